import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TABLE_NAMES, TABLES, type TableSpec } from "../../src/db/schema/index.js";
import { SNAPSHOT_FILES } from "../../src/exports/formats/snapshot/layout.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../support/dialects.js";

const MIGRATION_TABLES = new Set(["kysely_migration", "kysely_migration_lock"]);
const specs = TABLES as Record<string, TableSpec>;

/**
 * The coverage tripwire (Ghost's table-lists + exporter test, GitLab's attribute_configuration
 * spec): a table or column that reaches the database without being described — and classified
 * as exported or excluded with a reason — fails CI until someone decides what exports do with it.
 */
describe.each(DIALECTS)("schema catalog vs the migrated %s database", (dialect) => {
  let database: TestDatabase;
  let live: Map<string, Map<string, boolean>>;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const tables = await database.db.introspection.getTables();
    live = new Map(
      tables
        .filter((t) => !MIGRATION_TABLES.has(t.name))
        .map((t) => [t.name, new Map(t.columns.map((c) => [c.name, c.isNullable]))]),
    );
  });
  afterAll(() => database.drop());

  it("has every database table in the catalog, classified for export", () => {
    const unknown = [...live.keys()].filter((t) => !specs[t]);
    expect(unknown, "tables missing from src/db/schema (add them with an `export` classification)").toEqual(
      [],
    );
  });

  it("has every catalog table in the database with exactly its columns and nullability", () => {
    for (const name of TABLE_NAMES) {
      const columns = live.get(name);
      expect(columns, `table ${name} is in the catalog but no migration creates it`).toBeDefined();
      const expected = Object.entries(specs[name]!.columns).map(
        ([c, spec]) => `${c}${spec.nullable ? "?" : ""}`,
      );
      const actual = [...columns!].map(([c, nullable]) => `${c}${nullable && c !== "id" ? "?" : ""}`);
      expect(actual.sort(), `columns of ${name}`).toEqual(expected.sort());
    }
  });
});

describe("export classification", () => {
  it("classifies every table as exported to a unique snapshot file, or excluded with a reason", () => {
    const files = new Set<string>();
    for (const name of TABLE_NAMES) {
      const c = specs[name]!.export;
      if ("excluded" in c) {
        expect(c.excluded.length, `reason for excluding ${name}`).toBeGreaterThan(20);
      } else {
        const file = `${c.folder}/${c.file}`;
        expect(files.has(file), `${file} is used twice`).toBe(false);
        files.add(file);
      }
    }
  });

  it("exports every entity of the data model (docs/ARCHITECTURE.md#data-model) but the account envelope and housekeeping", () => {
    const excluded = TABLE_NAMES.filter((t) => "excluded" in specs[t]!.export).sort();
    expect(excluded).toEqual([
      "accounts",
      "backup_schedules",
      "export_artifacts",
      "export_runs",
      "outbox_emails",
      "pending_blob_deletions",
      "web_sessions",
    ]);
  });

  it("puts every column of every exported table in the snapshot, but account_id and secrets", () => {
    for (const name of TABLE_NAMES) {
      const spec = specs[name]!;
      const files = SNAPSHOT_FILES.filter((f) => f.table === name);
      if ("excluded" in spec.export) {
        expect(files, `${name} is excluded yet has snapshot files`).toEqual([]);
        continue;
      }
      expect(files.length, `${name} has no snapshot file`).toBeGreaterThan(0);
      const written = new Set(
        files.flatMap((f) =>
          f.columns.map((c) => (f.kind === "enrichment" ? c.name.replace(/^company_id$/, "id") : c.name)),
        ),
      );
      for (const [column, c] of Object.entries(spec.columns)) {
        const expected = column !== "account_id" && !c.secret;
        expect(written.has(column), `${name}.${column}`).toBe(expected);
      }
    }
    const paths = SNAPSHOT_FILES.map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it("never exports secrets: hashes and storage keys are marked secret", () => {
    expect(specs.api_tokens!.columns.token_hash!.secret).toBe(true);
    expect(specs.users!.columns.password_hash!.secret).toBe(true);
    expect(specs.attachments!.columns.storage_key!.secret).toBe(true);
    expect(specs.export_artifacts!.columns.storage_key!.secret).toBe(true);
  });

  it("gives every foreign key an explicit on-delete rule and every entity a unique name", () => {
    const entities = new Set<string>();
    for (const name of TABLE_NAMES) {
      const spec = specs[name]!;
      for (const [col, c] of Object.entries(spec.columns)) {
        if (c.references) expect(c.onDelete, `${name}.${col}`).toBeDefined();
      }
      expect(spec.entity, `${name} needs an entity word`).toBeTruthy();
      expect(entities.has(spec.entity!), `entity ${spec.entity} twice`).toBe(false);
      entities.add(spec.entity!);
    }
  });

  it("never reuses a boolean column's name with another type (SQLite reads 0/1 back by name)", () => {
    const types = new Map<string, Set<string>>();
    for (const spec of Object.values(specs)) {
      for (const [col, c] of Object.entries(spec.columns))
        types.set(col, (types.get(col) ?? new Set()).add(c.type));
    }
    const mixed = [...types].filter(([, t]) => t.has("boolean") && t.size > 1).map(([c]) => c);
    expect(mixed).toEqual([]);
  });
});
