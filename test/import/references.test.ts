/**
 * `hirevault import` refuses a snapshot whose rows do not hold together — before it writes
 * anything: a reference (plain foreign key, or polymorphic type + id) to an id that is not in the
 * snapshot, or is in another table than the type names; an id twice in a table — each named by
 * file, line and column; and a row the database itself refuses (a unique key twice) is named the
 * same way, never passed on as the database's error. Every snapshot here is re-sealed (manifest and datapackage hashes
 * updated), so only the meaning of the bytes is wrong. On SQLite and PostgreSQL.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFERENCES, type Reference } from "../../src/db/schema/references.js";
import { newId } from "../../src/domain/ids.js";
import {
  primaryFileOf,
  SNAPSHOT_FILES,
  type SnapshotFile,
} from "../../src/exports/formats/snapshot/layout.js";
import { ImportError } from "../../src/import/import-error.js";
import { importSnapshot } from "../../src/import/import-snapshot.js";
import { ApiTokenService } from "../../src/services/api-token.service.js";
import { SYSTEM_ACTOR } from "../../src/services/write-context.js";
import { type Fixture, seedFixture } from "../exports/formats/helpers.js";
import { DIALECTS } from "../support/dialects.js";
import { cell, linesOf, type RawRecord, rawRecords, rawText, readCsvTexts, withCell } from "./csv-edit.js";
import { snapshotFile } from "./snapshot-file.js";
import { type Forgery, rewriteSnapshots } from "./tamper.js";

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One declared reference of one snapshot file (the import sets `account_id` itself). */
const CASES: { file: SnapshotFile; ref: Reference; name: string }[] = SNAPSHOT_FILES.filter(
  (f) => f.kind === "rows",
).flatMap((file) =>
  REFERENCES[file.table]
    .filter((ref) => ref.kind === "polymorphic" || ref.column !== "account_id")
    .map((ref) => ({
      file,
      ref,
      name: `${file.path} ${ref.kind === "foreign key" ? ref.column : `${ref.typeColumn} + ${ref.idColumn}`}`,
    })),
);

describe.each(DIALECTS)("import checks references and ids on %s", (dialect) => {
  let fx: Fixture;
  let dir: string;
  const csvs = new Map<string, RawRecord[]>();
  /** Each test's forged snapshot and the refusal it must get. */
  const forged = new Map<string, { file: string; pattern: RegExp }>();

  const records = (file: string) => csvs.get(file)!;
  const blobKeys = async () => {
    const keys: string[] = [];
    for await (const b of fx.services.blobs.list("accounts/")) keys.push(b.key);
    return keys.sort();
  };
  const accounts = async () =>
    (await fx.database.db.selectFrom("accounts").select("id").execute()).map((a) => a.id).sort();

  /** Imports the forgery of test `name` expecting its ImportError, and nothing written at all. */
  async function expectRefused(name: string): Promise<void> {
    const { file, pattern } = forged.get(name)!;
    const keysBefore = await blobKeys();
    const accountsBefore = await accounts();
    const attempt = importSnapshot({
      db: fx.database.db,
      blobs: fx.services.blobs,
      file,
      accountName: `restored ${name}`,
    });
    await expect(attempt).rejects.toBeInstanceOf(ImportError);
    await expect(attempt).rejects.toThrow(pattern);
    expect(await accounts()).toEqual(accountsBefore);
    expect(await blobKeys()).toEqual(keysBefore);
  }

  beforeAll(async () => {
    fx = await seedFixture(dialect, 40);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hv-import-refs-"));
    // Rows the seed does not make, so that every reference has a row to point from: an API
    // token of a user, a list inside a folder.
    const { db } = fx.database;
    const ctx = { accountId: fx.accountId, actor: SYSTEM_ACTOR };
    const user = await db
      .selectFrom("users")
      .select("id")
      .where("account_id", "=", fx.accountId)
      .executeTakeFirstOrThrow();
    await new ApiTokenService(db).create(fx.accountId, { name: "sync", role: "admin", userId: user.id });
    const folder = await fx.services.entities.create(ctx, "lists", { name: "folder", kind: "folder" });
    await fx.services.entities.create(ctx, "lists", { name: "in it", kind: "list", parent_id: folder.id });
    const snapshot = await snapshotFile(fx, dir);
    for (const [name, text] of await readCsvTexts(snapshot)) csvs.set(name, rawRecords(text));

    const forgeries: Forgery[] = [];
    const forge = (name: string, edits: Record<string, RawRecord[]>, pattern: RegExp) => {
      const file = path.join(dir, `forged-${forgeries.length}.zip`);
      forgeries.push({
        dest: file,
        edits: Object.fromEntries(Object.entries(edits).map(([f, recs]) => [f, rawText(recs)])),
      });
      forged.set(name, { file, pattern });
    };
    for (const { name, file, ref } of CASES) {
      const recs = records(file.path);
      if (recs.length < 2) continue; // reported by the first test
      // The last row: after any multi-line cell of the file, so its line is not its number.
      const at = recs.length - 1;
      const line = () => linesOf(edited)[at]!;
      const id = crypto.randomUUID();
      let edited: RawRecord[];
      if (ref.kind === "foreign key") {
        edited = withCell(recs, at, ref.column, id);
        forge(
          name,
          { [file.path]: edited },
          refusal(file.path, line(), ref.column, `no \\w+ with id ${id} in `),
        );
        continue;
      }
      const type = cell(recs, at, ref.typeColumn) || Object.keys(ref.targets)[0]!;
      edited = withCell(withCell(recs, at, ref.typeColumn, type), at, ref.idColumn, id);
      forge(
        name,
        { [file.path]: edited },
        refusal(file.path, line(), ref.idColumn, `no ${type} with id ${id} in `),
      );
      // An id that is in the snapshot, but in another table of the reference's map.
      const other = SNAPSHOT_FILES.find(
        (f) =>
          f.kind === "rows" &&
          !f.where &&
          f.table !== ref.targets[type] &&
          Object.values(ref.targets).includes(f.table) &&
          records(f.path).length > 1,
      )!;
      const otherId = cell(records(other.path), 1, "id");
      edited = withCell(withCell(recs, at, ref.typeColumn, type), at, ref.idColumn, otherId);
      forge(
        `${name} (wrong table)`,
        { [file.path]: edited },
        refusal(
          file.path,
          line(),
          ref.idColumn,
          `no ${type} with id ${otherId} in ${literal(primaryFileOf(ref.targets[type]!)!.path)}$`,
        ),
      );
    }

    const persons = records("persons/persons.csv");
    {
      const edited = [...persons, { ...persons[2]!, fields: [...persons[2]!.fields] }];
      const lines = linesOf(edited);
      const id = cell(persons, 2, "id");
      forge(
        "duplicate id",
        { "persons/persons.csv": edited },
        refusal("persons/persons.csv", lines.at(-1)!, "id", `${id} is already the id of line ${lines[2]}$`),
      );
    }
    {
      const companies = records("companies/custom_field_values.csv");
      const values = records("persons/custom_field_values.csv");
      const id = cell(companies, 1, "id");
      const edited = withCell(values, values.length - 1, "id", id);
      forge(
        "duplicate id across files",
        { "persons/custom_field_values.csv": edited },
        refusal(
          "persons/custom_field_values.csv",
          linesOf(edited).at(-1)!,
          "id",
          `${id} is already the id of companies/custom_field_values\\.csv line ${companies[1]!.line}$`,
        ),
      );
    }
    {
      const apps = records("candidates/applications.csv");
      const edited = [...apps, withCell(apps, 1, "id", newId())[1]!];
      const lines = linesOf(edited);
      forge(
        "unique key in a batch",
        { "candidates/applications.csv": edited },
        refusal(
          "candidates/applications.csv",
          lines.at(-1)!,
          "job_id, person_id",
          `the same job_id, person_id as line ${lines[1]}; no two rows may have the same job_id, person_id$`,
        ),
      );
    }
    {
      const tags = records("reference/tags.csv");
      expect(tags[0]!.fields).toEqual(["id", "name", "created_at", "updated_at"]);
      const stamp = cell(tags, 1, "created_at");
      const filler: RawRecord[] = Array.from({ length: 1_100 }, (_, i) => ({
        line: 0,
        fields: [newId(), `filler ${i}`, stamp, stamp],
      }));
      const edited = [...tags, ...filler, withCell(tags, 1, "id", newId())[1]!];
      forge(
        "unique key of an earlier batch",
        { "reference/tags.csv": edited },
        refusal(
          "reference/tags.csv",
          linesOf(edited).at(-1)!,
          "name",
          "the same name as an earlier row; no two rows may have the same name$",
        ),
      );
    }
    rewriteSnapshots(snapshot, forgeries);
  }, 300_000);

  afterAll(async () => {
    await fx?.cleanup();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("has a row to test each declared reference from", () => {
    const untested = CASES.filter((c) => records(c.file.path).length < 2).map((c) => c.name);
    expect(untested).toEqual([]);
    expect(CASES.filter((c) => c.ref.kind === "polymorphic").length).toBeGreaterThanOrEqual(11);
  });

  it.each(CASES.map((c) => c.name))(
    "refuses a dangling %s, naming file, line and column, before writing anything",
    (name) => expectRefused(name),
  );

  it.each(CASES.filter((c) => c.ref.kind === "polymorphic").map((c) => c.name))(
    "refuses %s naming a row of another table than its type says",
    (name) => expectRefused(`${name} (wrong table)`),
  );

  it("counts lines as an editor does: quoted cells spanning lines (a lone CR too) move the line", () => {
    const persons = records("persons/persons.csv");
    const last = persons.length - 1;
    expect(persons[last]!.line).toBeGreaterThan(last + 1);
    expect(rawText(persons)).toMatch(/"[^"]*\r(?!\n)[^"]*"/); // a cell holding a lone CR
  });

  it("refuses an id twice in one file, naming both lines", () => expectRefused("duplicate id"));

  it("refuses an id twice in one table split over files, naming the other file's line", () =>
    expectRefused("duplicate id across files"));

  it("names file, line and columns of a unique key the database refuses within a batch", () =>
    expectRefused("unique key in a batch"));

  it("names file, line and column of a unique key the database refuses against an earlier batch", () =>
    expectRefused("unique key of an earlier batch"));
});

/** `<file> line <n>, <column>: <message>` as a pattern (`message` is a pattern already). */
function refusal(file: string, line: number, column: string, message: string): RegExp {
  return new RegExp(`^${literal(file)} line ${line}, ${literal(column)}: ${message}`);
}
