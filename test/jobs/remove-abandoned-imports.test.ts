/**
 * The worker's removal of abandoned imports: an account left `importing` (or `removing`) by a
 * process that died goes, rows and files, once its lease has run out on the task's clock — and not
 * a moment before; an active account is never touched. Real databases, a real local store.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TABLE_NAMES } from "../../src/db/schema/index.js";
import { FixedClock } from "../../src/domain/clock.js";
import { uuidv7 } from "../../src/domain/ids.js";
import { RemoveAbandonedImportsTask } from "../../src/jobs/tasks/remove-abandoned-imports.task.js";
import { seedAccount } from "../../src/seed/seed-account.js";
import { ACCOUNT_LEASE_MS, AccountRemovalService } from "../../src/services/account-removal.service.js";
import { LocalBlobStore } from "../../src/storage/local-blob-store.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../support/dialects.js";
import { allKeys, silent } from "./helpers.js";

const T0 = new Date("2026-12-02T12:00:00.000Z");

describe.each(DIALECTS)("remove-abandoned-imports (%s)", (dialect) => {
  let database: TestDatabase;
  let blobDir: string;
  let blobs: LocalBlobStore;
  let keep: string;

  /** Rows of the account in every table, by table (tables without any left out). */
  async function rowsOf(accountId: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of TABLE_NAMES) {
      const column = table === "accounts" ? "id" : "account_id";
      const { n } = await database.db
        // biome-ignore lint/suspicious/noExplicitAny: every table
        .selectFrom(table as any)
        .select((e) => e.fn.countAll().as("n"))
        .where(column, "=", accountId)
        .executeTakeFirstOrThrow();
      if (Number(n)) out[table] = Number(n);
    }
    return out;
  }
  const filesOf = async (accountId: string) =>
    (await allKeys(blobs)).filter((k) => k.startsWith(`accounts/${accountId}/`));

  /** A seeded account (files included) left in `status` by a process whose lease ends at `lease`. */
  async function abandoned(name: string, status: "importing" | "removing", lease: Date): Promise<string> {
    const { accountId } = await seedAccount({ db: database.db, blobs, accountName: name, candidates: 12 });
    // A list inside a folder whose id sorts first: rows that reference their own table.
    const now = T0.toISOString();
    const folder = uuidv7();
    const child = uuidv7();
    await database.db
      .insertInto("lists")
      .values([
        {
          id: child,
          account_id: accountId,
          name: "child",
          kind: "list",
          parent_id: null,
          created_at: now,
          updated_at: now,
        },
        {
          id: folder,
          account_id: accountId,
          name: "folder",
          kind: "folder",
          parent_id: null,
          created_at: now,
          updated_at: now,
        },
      ] as never)
      .execute();
    await database.db.updateTable("lists").set({ parent_id: folder }).where("id", "=", child).execute();
    await database.db
      .updateTable("accounts")
      .set({ status, import_lease_expires_at: lease.toISOString() })
      .where("id", "=", accountId)
      .execute();
    return accountId;
  }

  const task = (at: Date, batchSize = 7) =>
    new RemoveAbandonedImportsTask(database.db, blobs, new FixedClock(at), silent, { batchSize });

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    blobDir = await fs.mkdtemp(path.join(os.tmpdir(), "hv-abandoned-"));
    blobs = new LocalBlobStore(blobDir);
    ({ accountId: keep } = await seedAccount({
      db: database.db,
      blobs,
      accountName: "keep",
      candidates: 12,
    }));
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
    await fs.rm(blobDir, { recursive: true, force: true });
  });

  it("waits for the lease to run out, then removes every row and file in batches", async () => {
    const lease = new Date(T0.getTime() + ACCOUNT_LEASE_MS);
    const id = await abandoned("dead import", "importing", lease);
    const keepRows = await rowsOf(keep);
    const keepFiles = await filesOf(keep);
    const before = await rowsOf(id);
    expect(Object.keys(before).length).toBeGreaterThan(20);
    expect((await filesOf(id)).length).toBeGreaterThan(5);

    // The import might still be alive: its lease has not run out on the task's clock.
    expect(await task(new Date(lease.getTime() - 1)).removeAbandoned()).toMatchObject({ claimed: 0 });
    expect(await rowsOf(id)).toEqual(before);

    const summary = await task(new Date(lease.getTime() + 1)).removeAbandoned();
    expect(summary).toMatchObject({ claimed: 1, removed: 1 });
    expect(summary.rows).toBe(Object.values(before).reduce((a, b) => a + b, 0) - 1);
    expect(await rowsOf(id)).toEqual({});
    expect(await filesOf(id)).toEqual([]);
    // The name is free again, and the active account is untouched.
    expect(await rowsOf(keep)).toEqual(keepRows);
    expect(await filesOf(keep)).toEqual(keepFiles);
  });

  it("finishes a removal whose process died half-way, and never touches an active account", async () => {
    const lease = new Date(T0.getTime() + ACCOUNT_LEASE_MS);
    const id = await abandoned("half removed", "removing", lease);
    // A removal stopped at once (its worker shut down): the files are gone, the rows wait.
    const midway = new FixedClock(new Date(T0.getTime() + ACCOUNT_LEASE_MS / 2));
    const removal = new AccountRemovalService(database.db, blobs, { clock: midway, batchSize: 5 });
    const partial = await removal.remove(id, AbortSignal.abort());
    expect(partial).toMatchObject({ rows: 0, removed: false });
    expect(partial.files).toBeGreaterThan(5);
    expect(await filesOf(id)).toEqual([]);
    expect(Object.keys(await rowsOf(id)).length).toBeGreaterThan(20);
    // It renewed the lease as it started: a task at the old lease's end does not take it over.
    expect(await task(new Date(lease.getTime() + 1)).removeAbandoned()).toMatchObject({ claimed: 0 });
    const later = new Date(T0.getTime() + 2 * ACCOUNT_LEASE_MS + 1);
    expect(await task(later).removeAbandoned()).toMatchObject({ claimed: 1, removed: 1 });
    expect(await rowsOf(id)).toEqual({});

    // An active account whose lease column is stale is nobody's to remove.
    await database.db
      .updateTable("accounts")
      .set({ import_lease_expires_at: T0.toISOString() })
      .where("id", "=", keep)
      .execute();
    expect(await task(later).removeAbandoned()).toMatchObject({ claimed: 0 });
    const service = new AccountRemovalService(database.db, blobs, { clock: new FixedClock(later) });
    expect(await service.claimAbandoned(keep)).toBe(false);
    expect(await service.remove(keep)).toEqual({ files: 0, rows: 0, removed: false });
    expect(await service.removeFailedImport(keep)).toEqual({ files: 0, rows: 0, removed: false });
    expect(Object.keys(await rowsOf(keep)).length).toBeGreaterThan(20);
  });
});
