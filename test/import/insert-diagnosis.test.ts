/**
 * A constraint error the database raises while the import inserts a batch comes out as an
 * ImportError naming file, line and column — never as the database's own error. The check before
 * the write keeps dangling references away from the database, so the foreign-key case is driven
 * here below it: one table imported on its own, without the table it points at. SQLite does not
 * say which column broke a foreign key (the rows are looked up); PostgreSQL prints the key.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/domain/ids.js";
import { AttachmentFiles } from "../../src/import/attachment-files.js";
import { ImportError } from "../../src/import/import-error.js";
import { SnapshotArchive } from "../../src/import/snapshot-archive.js";
import { importTable } from "../../src/import/table-import.js";
import { type Fixture, seedFixture } from "../exports/formats/helpers.js";
import { DIALECTS } from "../support/dialects.js";
import { snapshotFile } from "./snapshot-file.js";

describe.each(DIALECTS)("a database error while importing a batch, on %s", (dialect) => {
  let fx: Fixture;
  let dir: string;
  let archive: SnapshotArchive;

  beforeAll(async () => {
    fx = await seedFixture(dialect, 12);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hv-insert-diagnosis-"));
    archive = await SnapshotArchive.open(await snapshotFile(fx, dir));
  }, 120_000);

  afterAll(async () => {
    await archive?.close();
    await fx?.cleanup();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("names file, line and column of a foreign key the database refuses", async () => {
    const { db } = fx.database;
    const accountId = newId();
    const now = new Date().toISOString();
    const attempt = db.transaction().execute(async (trx) => {
      await trx
        .insertInto("accounts")
        .values({
          id: accountId,
          name: "diagnosis",
          status: "importing",
          time_zone: "UTC",
          created_at: now,
          updated_at: now,
        })
        .execute();
      const files = new AttachmentFiles(archive, fx.services.blobs, accountId);
      // persons/emails.csv without persons/persons.csv: every person_id is missing.
      // Every batch writes in this one transaction, so the failure rolls the account back too.
      const write = <T>(fn: (t: typeof trx) => Promise<T>) => fn(trx);
      await importTable({ write, archive, accountId, now, files, skipFiles: new Set() }, "person_emails");
    });
    await expect(attempt).rejects.toBeInstanceOf(ImportError);
    await expect(attempt).rejects.toThrow(
      /^persons\/emails\.csv line 2, person_id: no person of the snapshot has this id \(persons\/persons\.csv\)$/,
    );
    const left = await db.selectFrom("accounts").select("id").where("id", "=", accountId).execute();
    expect(left).toEqual([]);
  });
});
