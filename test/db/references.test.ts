/**
 * The reference tripwire: every column of the catalog that looks like a reference (`…_id`) is
 * declared as one (a foreign key, or the id of a polymorphic pair) or listed in NOT_REFERENCES
 * with a reason. A new `candidate_id: { type: "id" }` would otherwise never be checked by
 * `hirevault import` — it would import whatever id a snapshot holds.
 */
import { describe, expect, it } from "vitest";
import { TABLE_NAMES, TABLES, type TableName, type TableSpec, tableSpec } from "../../src/db/schema/index.js";
import {
  looksLikeReference,
  NOT_REFERENCES,
  REFERENCES,
  type Reference,
  targetsOf,
} from "../../src/db/schema/references.js";
import { SNAPSHOT_FILES, SNAPSHOT_TABLES } from "../../src/exports/formats/snapshot/layout.js";

/** `table.column` of every column that looks like a reference and is neither declared nor excused. */
function unclassified(
  tables: Record<string, TableSpec>,
  references: Record<string, readonly Reference[]>,
): string[] {
  return Object.entries(tables).flatMap(([table, spec]) =>
    Object.keys(spec.columns)
      .filter((column) => looksLikeReference(column))
      .filter(
        (column) =>
          !(references[table] ?? []).some((r) =>
            r.kind === "foreign key" ? r.column === column : r.idColumn === column,
          ) && !NOT_REFERENCES[`${table}.${column}`],
      )
      .map((column) => `${table}.${column}`),
  );
}

describe("references of the catalog", () => {
  it("declares every column that looks like a reference, or says why it is none", () => {
    expect(
      unclassified(TABLES as Record<string, TableSpec>, REFERENCES),
      "add a ref() or a `polymorphic` pair to the catalog, or an entry with a reason to NOT_REFERENCES",
    ).toEqual([]);
  });

  it("catches a new id column that is neither (the tripwire can fail)", () => {
    const grown = {
      ...(TABLES as Record<string, TableSpec>),
      applications: {
        ...tableSpec("applications"),
        columns: { ...tableSpec("applications").columns, referrer_id: { type: "id", nullable: true } },
      },
    } satisfies Record<string, TableSpec>;
    expect(unclassified(grown, REFERENCES)).toEqual(["applications.referrer_id"]);
  });

  it("excuses only columns that exist and are no reference", () => {
    for (const [name, reason] of Object.entries(NOT_REFERENCES)) {
      const [table, column] = name.split(".") as [TableName, string];
      expect(tableSpec(table).columns[column], name).toBeDefined();
      expect(tableSpec(table).columns[column]?.references, name).toBeUndefined();
      expect(tableSpec(table).polymorphic?.idColumn, name).not.toBe(column);
      expect(reason.length, name).toBeGreaterThan(20);
    }
  });

  it("maps every value of a polymorphic type column to a table", () => {
    for (const table of TABLE_NAMES) {
      for (const ref of REFERENCES[table]) {
        if (ref.kind !== "polymorphic") continue;
        const values = tableSpec(table).columns[ref.typeColumn]?.values ?? [];
        expect(values.length, `${table}.${ref.typeColumn}`).toBeGreaterThan(0);
        expect(Object.keys(ref.targets).sort(), `${table}.${ref.typeColumn}`).toEqual([...values].sort());
      }
    }
  });

  it("has every reference of an exported table point at an exported table, from a snapshot column", () => {
    for (const table of SNAPSHOT_TABLES) {
      const columns = new Set(
        SNAPSHOT_FILES.filter((f) => f.table === table).flatMap((f) => f.columns.map((c) => c.name)),
      );
      for (const ref of REFERENCES[table]) {
        if (ref.kind === "foreign key" && ref.column === "account_id") continue; // set by the import
        for (const target of targetsOf(ref))
          expect(SNAPSHOT_TABLES, `${table} → ${target}`).toContain(target);
        const used = ref.kind === "foreign key" ? [ref.column] : [ref.typeColumn, ref.idColumn];
        for (const c of used) expect(columns.has(c), `${table}.${c} in the snapshot`).toBe(true);
      }
    }
  });
});
