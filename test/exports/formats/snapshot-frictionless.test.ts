/**
 * The snapshot's `datapackage.json` validates its own CSVs with a real Frictionless
 * implementation — datapackage-js / tableschema-js (frictionlessdata's JavaScript reference
 * implementation of Data Package and Table Schema v1): the descriptor against the tabular data
 * package profile, then every row of every resource cast, checked against its constraints and
 * its foreign keys. The data is the hostile seed with the empty string in every column that is
 * never NULL and that the API lets hold "" (a person with an empty first name, a company without a
 * name…): before, `required` turned each such "" (a missing value for Frictionless) into a
 * violation.
 * Our own import still tells NULL from "". On SQLite and PostgreSQL.
 */
import fs from "node:fs";
import { Package } from "datapackage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableSpec } from "../../../src/db/schema/index.js";
import { mayHoldEmptyString } from "../../../src/exports/formats/snapshot/datapackage.js";
import { snapshotFormat } from "../../../src/exports/formats/snapshot/index.js";
import { rowBelongs, SNAPSHOT_FILES } from "../../../src/exports/formats/snapshot/layout.js";
import { importSnapshot } from "../../../src/import/import-snapshot.js";
import { ApiTokenService } from "../../../src/services/api-token.service.js";
import { meetsTextRules } from "../../../src/services/entity-input.js";
import { SYSTEM_ACTOR } from "../../../src/services/write-context.js";
import { DIALECTS } from "../../support/dialects.js";
import { machineRecords, readMachineExport } from "../../support/read-export.js";
import { extract, type FakeRun, type Fixture, runFormat, seedFixture } from "./helpers.js";

describe.each(DIALECTS)("the snapshot's Data Package validates with datapackage-js (%s)", (dialect) => {
  let fx: Fixture;
  let run: FakeRun;
  let dir: string;
  /** `<file>:<column>` set to "" on one row each. */
  const emptied: string[] = [];
  let emptyPersonId: string;
  let nullHeadlineId: string;
  let emptyHeadlineId: string;

  beforeAll(async () => {
    fx = await seedFixture(dialect, 20);
    const { db } = fx.database;
    const ctx = { accountId: fx.accountId, actor: SYSTEM_ACTOR };
    // Rows the seed does not make: an API token and tombstones (a deleted candidate).
    await new ApiTokenService(db).create(fx.accountId, { name: "integration", role: "admin" });
    const persons = await db
      .selectFrom("persons")
      .select(["id", "headline"])
      .where("account_id", "=", fx.accountId)
      .orderBy("id")
      .execute();
    await fx.services.entities.delete(ctx, "persons", persons[0]!.id);
    // NULL and "" side by side in a nullable column, for the import check.
    nullHeadlineId = persons[1]!.id;
    emptyHeadlineId = persons[2]!.id;
    await db.updateTable("persons").set({ headline: null }).where("id", "=", nullHeadlineId).execute();
    await db.updateTable("persons").set({ headline: "" }).where("id", "=", emptyHeadlineId).execute();

    // "" in every never-NULL text column whose rules accept it, on the first row of each file: the
    // package must validate for any data the API can hold (and the import, which applies the same
    // rules, must take it back).
    // biome-ignore lint/suspicious/noExplicitAny: generic table names
    const anyDb = db as any;
    for (const file of SNAPSHOT_FILES) {
      // An attachment's sha256 is checked against its bytes by import: "" there is damage.
      const columns = file.columns
        .filter((c) => mayHoldEmptyString(c) && c.name !== "sha256")
        .filter((c) => {
          const spec = tableSpec(file.table).columns[c.name];
          return spec === undefined || meetsTextRules(spec, "");
        })
        .map((c) => c.name);
      if (columns.length === 0) continue;
      const rows: Record<string, unknown>[] = await anyDb
        .selectFrom(file.table)
        .selectAll()
        .where("account_id", "=", fx.accountId)
        .orderBy("id")
        .execute();
      const row = rows.find((r) => rowBelongs(file, r));
      expect(row, `a row for ${file.path}`).toBeDefined();
      await anyDb
        .updateTable(file.table)
        .set(Object.fromEntries(columns.map((c) => [c, ""])))
        .where("id", "=", row!.id)
        .execute();
      if (file.path === "persons/persons.csv") emptyPersonId = String(row!.id);
      for (const c of columns) emptied.push(`${file.path}:${c}`);
    }
    run = await runFormat(fx, snapshotFormat);
    dir = extract(run.artifacts[0]!.path);
  }, 180_000);

  afterAll(async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    if (run) fs.rmSync(run.dir, { recursive: true, force: true });
    await fx?.cleanup();
  });

  it("put the empty string in every never-NULL text column, written as a quoted empty field", async () => {
    expect(emptied).toContain("persons/persons.csv:first_name");
    expect(emptied).not.toContain("jobs/jobs.csv:title"); // the API refuses a blank title
    expect(emptied.length).toBeGreaterThanOrEqual(40);
    const snap = await readMachineExport(run.artifacts[0]!.path);
    const persons = machineRecords(snap.csv["persons/persons.csv"]!);
    expect(persons.find((r) => r.id === emptyPersonId)!.first_name).toBe(""); // quoted, not NULL
    expect(persons.find((r) => r.id === nullHeadlineId)!.headline).toBeNull();
    expect(persons.find((r) => r.id === emptyHeadlineId)!.headline).toBe("");
  });

  it("datapackage-js loads the descriptor and reads every row of every resource, keys included", async () => {
    const pkg = await Package.load(`${dir}/datapackage.json`, { basePath: dir });
    expect(pkg.errors.map(String)).toEqual([]);
    expect(pkg.valid).toBe(true);
    expect(pkg.resources.map((r) => r.name)).toEqual(SNAPSHOT_FILES.map((f) => f.resource));
    const problems: string[] = [];
    let rows = 0;
    for (const resource of pkg.resources) {
      try {
        rows += (await resource.read({ relations: true })).length;
      } catch (err) {
        const errors = (err as { errors?: Error[] }).errors ?? [err as Error];
        for (const e of errors.slice(0, 5)) problems.push(`${resource.name}: ${e.message}`);
      }
    }
    expect(problems).toEqual([]);
    expect(rows).toBeGreaterThan(1000);
  });

  it("our import still tells NULL from the empty string", async () => {
    const summary = await importSnapshot({
      db: fx.database.db,
      blobs: fx.services.blobs,
      file: run.artifacts[0]!.path,
      accountName: `Restored ${dialect}`,
    });
    const emptyFirstNames = async (accountId: string) =>
      (
        await fx.database.db
          .selectFrom("persons")
          .select("first_name")
          .where("account_id", "=", accountId)
          .where("first_name", "=", "")
          .execute()
      ).length;
    expect(await emptyFirstNames(summary.accountId)).toBe(await emptyFirstNames(fx.accountId));
    expect(await emptyFirstNames(summary.accountId)).toBeGreaterThanOrEqual(1);
    const headlines = await fx.database.db
      .selectFrom("persons")
      .select("headline")
      .where("account_id", "=", summary.accountId)
      .execute();
    expect(headlines.some((p) => p.headline === "")).toBe(true);
    expect(headlines.some((p) => p.headline === null)).toBe(true);
  });
});
