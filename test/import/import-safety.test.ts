/**
 * What `hirevault import` refuses, and that a refused import leaves nothing behind: no account,
 * no rows, no files (docs/EXPORTS.md#untrusted-archives, docs/EXPORTS.md#verifying-an-export;
 * docs/EXPORTS.md#integrity). Also the erasure ledger (docs/EXPORTS.md#restoring-a-snapshot): rows
 * deleted after the snapshot stay deleted after the restore, their files never written.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TABLE_NAMES } from "../../src/db/schema/index.js";
import { ConflictError } from "../../src/domain/errors.js";
import { fullFormat } from "../../src/exports/formats/full/index.js";
import { importedId } from "../../src/import/id-map.js";
import { ImportError } from "../../src/import/import-error.js";
import { importSnapshot } from "../../src/import/import-snapshot.js";
import { SYSTEM_ACTOR } from "../../src/services/write-context.js";
import { type Fixture, runFormat, seedFixture } from "../exports/formats/helpers.js";
import { DIALECTS } from "../support/dialects.js";
import { snapshotFile } from "./snapshot-file.js";
import { addEntry, flipByteIn, readEntry, replaceEntry, rewriteSnapshot } from "./tamper.js";

describe.each(DIALECTS)("import safety on %s", (dialect) => {
  let fx: Fixture;
  let dir: string;
  let snapshot: string;

  const blobKeys = async () => {
    const keys: string[] = [];
    for await (const b of fx.services.blobs.list("accounts/")) keys.push(b.key);
    return keys.sort();
  };
  const accountCount = async () =>
    Number(
      (
        await fx.database.db
          .selectFrom("accounts")
          .select((e) => e.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** Rows of every table: a refused import committed batches of several, and must take them back. */
  const tableCounts = async () => {
    const counts: Record<string, number> = {};
    for (const table of TABLE_NAMES) {
      const { n } = await fx.database.db
        // biome-ignore lint/suspicious/noExplicitAny: every table
        .selectFrom(table as any)
        .select((e) => e.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      counts[table] = Number(n);
    }
    return counts;
  };

  /** Imports `file` expecting a refusal; checks that nothing at all was written. */
  async function expectRefused(file: string, pattern: RegExp, opts: { maxEntries?: number } = {}) {
    const keysBefore = await blobKeys();
    const accountsBefore = await accountCount();
    const rowsBefore = await tableCounts();
    const attempt = importSnapshot({
      db: fx.database.db,
      blobs: fx.services.blobs,
      file,
      accountName: "restored",
      ...(opts.maxEntries ? { limits: { maxEntries: opts.maxEntries } } : {}),
    });
    await expect(attempt).rejects.toThrow(pattern);
    await expect(attempt).rejects.toBeInstanceOf(ImportError);
    expect(await accountCount()).toBe(accountsBefore);
    expect(await tableCounts()).toEqual(rowsBefore);
    expect(await blobKeys()).toEqual(keysBefore);
  }

  beforeAll(async () => {
    fx = await seedFixture(dialect, 12);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hv-import-safety-"));
    snapshot = await snapshotFile(fx, dir);
  }, 60_000);

  afterAll(async () => {
    await fx?.cleanup();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ["../evil.txt", ""],
    ["files/../../evil.txt", ""],
    ["/etc/cron.d/evil", ""],
    ["C:/evil.txt", ""],
    ["files\\..\\evil.txt", ""],
    ["files/x/link", "/etc/passwd"],
  ])("refuses an archive with the entry %j before writing anything", async (name, link) => {
    const file = path.join(dir, `hostile-${Math.random().toString(36).slice(2)}.zip`);
    addEntry(snapshot, file, name, link || undefined);
    const named = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    await expectRefused(
      file,
      link ? /symbolic link/ : new RegExp(`${named}: .*(traversal|absolute|drive|backslash|unsafe)`, "i"),
    );
  });

  it("refuses an archive with more entries than the limit before writing anything", async () => {
    await expectRefused(snapshot, /entries/i, { maxEntries: 5 });
  });

  it("refuses an entry the layout does not explain", async () => {
    const file = path.join(dir, "extra.zip");
    addEntry(snapshot, file, "persons/secret-plan.csv");
    await expectRefused(file, /unexpected entry persons\/secret-plan\.csv/);
  });

  it("refuses a file whose bytes are damaged before copying any", async () => {
    const file = path.join(dir, "flipped.zip");
    fs.copyFileSync(snapshot, file);
    const damaged = flipByteIn(file, "files/");
    await expectRefused(file, new RegExp(damaged.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  });

  it("refuses a CSV that no longer matches manifest.json, in verify's words", async () => {
    const file = path.join(dir, "edited.zip");
    replaceEntry(
      snapshot,
      file,
      "persons/emails.csv",
      (csv) => `${csv.split("\r\n").slice(0, -2).join("\r\n")}\r\n`,
      { reseal: false },
    );
    await expectRefused(
      file,
      /persons\/emails\.csv in edited\.zip: manifest\.json says [\d,]+ bytes, the file has/,
    );
  });

  it.each([
    ["persons/links.csv", "url", "javascript:alert(1)", /must be an http:\/\/ or https:\/\/ URL/],
    ["jobs/jobs.csv", "title", "   ", /must not be empty or only white space/],
  ])("refuses a value the API refuses: %s %s %j", async (entry, column, value, message) => {
    const file = path.join(dir, `value-${column}.zip`);
    // Re-sealed (manifest hashes updated): a CSV that no longer matches manifest.json is refused
    // by the check before the write, before any value is read.
    const [header, first, ...rest] = readEntry(snapshot, entry).split("\r\n");
    const at = header!.split(",").indexOf(column);
    const cells = first!.split(",");
    cells[at] = value;
    rewriteSnapshot(snapshot, file, { [entry]: [header, cells.join(","), ...rest].join("\r\n") });
    await expectRefused(
      file,
      new RegExp(`${entry.replace(".", "\\.")} line 2, ${column}: ${message.source}`),
    );
  });

  it("refuses other exports and a name already taken", async () => {
    const full = await runFormat(fx, fullFormat);
    const data = full.artifacts.find((a) => a.part === "data")!.path;
    await expectRefused(data, /only snapshots .* can be imported/);
    const attempt = importSnapshot({
      db: fx.database.db,
      blobs: fx.services.blobs,
      file: snapshot,
      accountName: fx.accountName,
    });
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
  });

  it("re-applies deletions made after the snapshot (erasure ledger) and never writes their files", async () => {
    const { db } = fx.database;
    const cv = await db
      .selectFrom("attachments")
      .select(["id", "entity_id"])
      .where("account_id", "=", fx.accountId)
      .where("entity_type", "=", "person")
      .orderBy("id")
      .executeTakeFirstOrThrow();
    // Erased in the source after the snapshot was taken.
    await fx.services.entities.delete(
      { accountId: fx.accountId, actor: SYSTEM_ACTOR },
      "persons",
      cv.entity_id,
    );
    // Erased elsewhere, known only from a ledger file (the API's deletions page).
    const other = await db
      .selectFrom("persons")
      .select("id")
      .where("account_id", "=", fx.accountId)
      .where("id", "!=", cv.entity_id)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    const ledger = path.join(dir, "ledger.json");
    fs.writeFileSync(
      ledger,
      JSON.stringify({
        data: [{ entity_type: "person", entity_id: other.id, deleted_at: "2099-01-01T00:00:00.000Z" }],
      }),
    );
    const summary = await importSnapshot({
      db,
      blobs: fx.services.blobs,
      file: snapshot,
      accountName: `restored-ledger-${dialect}`,
      erasuresFile: ledger,
    });
    expect(summary.erased).toBeGreaterThan(2);
    const restored = summary.accountId;
    for (const id of [cv.entity_id, other.id]) {
      const row = await db
        .selectFrom("persons")
        .select("id")
        .where("id", "=", importedId(restored, id))
        .executeTakeFirst();
      expect(row, id).toBeUndefined();
      const tombstone = await db
        .selectFrom("deletions")
        .select("id")
        .where("account_id", "=", restored)
        .where("entity_id", "=", importedId(restored, id))
        .executeTakeFirst();
      expect(tombstone).toBeDefined();
    }
    expect(
      await fx.services.blobs.head(`accounts/${restored}/attachments/${importedId(restored, cv.id)}`),
    ).toBeNull();
    // The rest came back.
    const persons = await db.selectFrom("persons").select("id").where("account_id", "=", restored).execute();
    expect(persons.length).toBeGreaterThan(5);
  });
});
