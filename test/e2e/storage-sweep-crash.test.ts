import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TABLE_NAMES } from "../../src/db/schema/index.js";
import { FixedClock } from "../../src/domain/clock.js";
import { RemoveAbandonedImportsTask } from "../../src/jobs/tasks/remove-abandoned-imports.task.js";
import { STORAGE_SWEEP_GRACE_MS, SweepStorageTask } from "../../src/jobs/tasks/sweep-storage.task.js";
import type { ExportRun } from "../../src/repositories/export-run.repository.js";
import { seedAccount } from "../../src/seed/seed-account.js";
import { ACCOUNT_LEASE_MS } from "../../src/services/account-removal.service.js";
import { ExportService } from "../../src/services/export.service.js";
import { SYSTEM_ACTOR } from "../../src/services/write-context.js";
import type { BlobStore } from "../../src/storage/blob-store.js";
import { LocalBlobStore } from "../../src/storage/local-blob-store.js";
import { S3BlobStore } from "../../src/storage/s3-blob-store.js";
import { allKeys, silent } from "../jobs/helpers.js";
import { runCli, spawnCli } from "../support/cli.js";
import { createTestDatabase, DIALECTS, type TestDatabase, waitUntil } from "../support/dialects.js";
import { startUploadsProxy, type UploadsProxy } from "../support/s3-uploads-proxy.js";
import { type S3rverHarness, startS3rver } from "../support/s3rver.js";

type Proc = ReturnType<typeof spawnCli>;

/** A store shared by this process and the workers, and the unfinished writes it holds. */
interface Storage {
  env: Record<string, string>;
  store: BlobStore;
  /** Unfinished writes: local `.tmp/*.part` files, or S3 multipart uploads s3rver still holds. */
  unfinished(): Promise<string[]>;
  stop(): Promise<void>;
}

const storages: Array<{ name: string; start: (dataDir: string) => Promise<Storage> }> = [
  {
    name: "local",
    async start(dataDir) {
      const tmp = path.join(dataDir, "blobs", ".tmp");
      return {
        env: {},
        store: new LocalBlobStore(path.join(dataDir, "blobs")),
        unfinished: async () =>
          (await fs.readdir(tmp).catch(() => [] as string[])).filter((f) => f.endsWith(".part")),
        stop: async () => undefined,
      };
    },
  },
  {
    name: "s3",
    async start() {
      const s3: S3rverHarness = await startS3rver();
      // s3rver keeps a killed upload's parts but cannot list or abort them; the proxy answers
      // those two calls from s3rver's upload folder and forwards everything else.
      const proxy: UploadsProxy = await startUploadsProxy(s3);
      const env = {
        S3_BUCKET: s3.bucket,
        S3_ENDPOINT: proxy.endpoint,
        S3_REGION: "us-east-1",
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      };
      const store = new S3BlobStore({
        bucket: s3.bucket,
        endpoint: proxy.endpoint,
        region: "us-east-1",
        forcePathStyle: true,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
      });
      return {
        env,
        store,
        unfinished: () => proxy.uploadIds(),
        async stop() {
          await store.close();
          await proxy.stop();
          await s3.stop();
        },
      };
    },
  },
];

// real: SQLite file / PostgreSQL, a local store or S3 (s3rver), `hirevault worker` child processes:
// one SIGKILLed while it writes a backup into storage, one that takes the run over and publishes
// it; `hirevault import` SIGKILLed while it copies files. The storage sweep then leaves exactly what
// the database owns, and the worker's removal of abandoned imports takes the killed import's rest.
describe.each(DIALECTS)("storage after a worker SIGKILLed mid-export (%s)", (dialect) => {
  describe.each(storages)("$name storage", ({ start }) => {
    let database: TestDatabase;
    let dataDir: string;
    let storage: Storage;
    let env: Record<string, string | undefined>;
    let accountId: string;
    const procs: Proc[] = [];

    const runOf = (id: string) =>
      database.db.selectFrom("export_runs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

    beforeAll(async () => {
      dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hv-sweep-crash-"));
      database = await createTestDatabase(dialect, { dataDir });
      storage = await start(dataDir);
      // Padded CVs: the backup is a ~40 MB zip, written long enough to be caught mid-write.
      ({ accountId } = await seedAccount({
        db: database.db,
        blobs: storage.store,
        accountName: "big",
        candidates: 40,
        cvRatio: 1,
        padBytes: 1_000_000,
      }));
      env = {
        HIREVAULT_DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        HIREVAULT_EXPORT_LEASE_MS: "2000",
        LOG_LEVEL: "info",
        ...storage.env,
      };
    }, 180_000);

    afterAll(async () => {
      for (const p of procs) if (p.child.exitCode === null && !p.child.signalCode) p.child.kill("SIGKILL");
      await Promise.all(procs.map((p) => p.exited));
      await storage?.stop();
      await database?.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    });

    /**
     * Freezes the worker once storage holds an unfinished write and its run is running under the
     * worker's lease; SIGKILLs it if that is still so while frozen, else thaws it and watches on.
     */
    async function killMidWrite(victim: Proc, runId: string): Promise<ExportRun> {
      const pid = victim.child.pid!;
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        const run = await runOf(runId);
        if (
          run.state === "running" &&
          run.lease_owner?.includes(`:${pid}:`) &&
          (await storage.unfinished()).length
        ) {
          process.kill(pid, "SIGSTOP");
          await sleep(150);
          const held = await runOf(runId);
          if (
            held.state === "running" &&
            held.lease_owner === run.lease_owner &&
            (await storage.unfinished()).length
          ) {
            victim.child.kill("SIGKILL");
            await victim.exited;
            return held;
          }
          process.kill(pid, "SIGCONT");
        }
        if (victim.child.exitCode !== null) break;
        await sleep(20);
      }
      throw new Error(`the worker was not caught mid-write:\n${victim.output().stdout}`);
    }

    it("is swept down to the published artifacts and the account's attachments", async () => {
      const attachmentKeys = (
        await database.db
          .selectFrom("attachments")
          .select("storage_key")
          .where("account_id", "=", accountId)
          .execute()
      ).map((r) => r.storage_key);
      expect(attachmentKeys.length).toBeGreaterThan(40);
      expect(await allKeys(storage.store)).toEqual([...attachmentKeys].sort());

      const exports = new ExportService(database.db, { now: () => new Date() });
      const { run: requested } = await exports.request({ accountId, actor: SYSTEM_ACTOR }, "backup");
      const victim = spawnCli(["worker"], env);
      procs.push(victim);
      const killed = await killMidWrite(victim, requested.id);
      expect(killed.attempts).toBe(1);
      const left = await storage.unfinished();
      expect(left.length).toBeGreaterThan(0);

      const rescuer = spawnCli(["worker"], env);
      procs.push(rescuer);
      const done = await waitUntil("the backup to finish elsewhere", async () => {
        const r = await runOf(requested.id);
        return (r.state === "succeeded" || r.state === "failed") && r;
      });
      rescuer.child.kill("SIGTERM");
      expect(await rescuer.exited).toBe(0);
      expect(done).toMatchObject({ state: "succeeded", attempts: 2 });
      const artifactKeys = (await exports.runs.artifacts(accountId, [requested.id])).map(
        (a) => a.storage_key,
      );
      expect(artifactKeys).toEqual([`accounts/${accountId}/exports/${requested.id}/2/backup`]);

      // The run succeeded elsewhere, and the killed attempt's unfinished write is still there: the
      // rescuer's own sweep (at start-up, on the real clock) left it, being within the grace period.
      expect(await storage.unfinished()).toEqual(expect.arrayContaining(left));

      const clock = new FixedClock(new Date(Date.now() + STORAGE_SWEEP_GRACE_MS + 60_000));
      const summary = await new SweepStorageTask(database.db, storage.store, clock, silent).sweep();
      expect(await storage.unfinished()).toEqual([]);
      expect(await allKeys(storage.store)).toEqual([...attachmentKeys, ...artifactKeys].sort());
      expect(summary).toMatchObject({ orphanAccounts: 0, deadAttemptFiles: 0 });
      expect(summary.abandonedWrites).toBeGreaterThanOrEqual(left.length);
    }, 240_000);

    it("keeps the files of an import SIGKILLed mid-copy until the worker removes it, rows and files", async () => {
      const snapshot = path.join(dataDir, "big-snapshot.zip");
      const exported = await runCli(["export", "snapshot", "--account", "big", "--out", snapshot], env);
      expect(exported.code, exported.stderr).toBe(0);
      const owned = async () => [
        ...(
          await database.db
            .selectFrom("attachments")
            .select("storage_key")
            .where("account_id", "=", accountId)
            .execute()
        ).map((r) => r.storage_key),
        ...(
          await database.db
            .selectFrom("export_artifacts")
            .select("storage_key")
            .where("account_id", "=", accountId)
            .execute()
        ).map((r) => r.storage_key),
      ];
      const before = await owned();
      expect(await allKeys(storage.store)).toEqual([...before].sort());
      const rowsOf = async (id: string) => {
        let n = 0;
        for (const table of TABLE_NAMES) {
          const row = await database.db
            // biome-ignore lint/suspicious/noExplicitAny: every table
            .selectFrom(table as any)
            .select((e) => e.fn.countAll().as("n"))
            .where(table === "accounts" ? "id" : "account_id", "=", id)
            .executeTakeFirstOrThrow();
          n += Number(row.n);
        }
        return n;
      };

      const importer = spawnCli(["import", snapshot, "--account", "k"], env);
      procs.push(importer);
      // The account's row is committed first, `importing`; then rows in batches and their files.
      const importedId = await waitUntil("the import to store files", async () => {
        const row = await database.db
          .selectFrom("accounts")
          .select(["id", "status"])
          .where("name", "=", "k")
          .executeTakeFirst();
        if (row?.status !== "importing") return undefined;
        for await (const _ of storage.store.scan(`accounts/${row.id}/`)) return row.id;
        return undefined;
      });
      importer.child.kill("SIGKILL");
      await importer.exited;
      const filesOf = async () =>
        (await allKeys(storage.store)).filter((k) => k.startsWith(`accounts/${importedId}/`));
      const left = await filesOf();
      expect(left.length).toBeGreaterThan(0);
      expect(await rowsOf(importedId)).toBeGreaterThan(100);

      const now = Date.now();
      // Past the grace period the sweep still leaves them: the importing account owns its files.
      const sweep = (at: number) =>
        new SweepStorageTask(database.db, storage.store, new FixedClock(new Date(at)), silent).sweep();
      expect(await sweep(now + STORAGE_SWEEP_GRACE_MS + 60_000)).toMatchObject({
        orphanAccounts: 0,
        unownedAttachmentFiles: 0,
        accountsImportingOrRemoving: 1,
      });
      expect(await filesOf()).toEqual(left);
      // The import might still be alive until its lease runs out; then the worker removes it.
      const cleanup = (at: number) =>
        new RemoveAbandonedImportsTask(
          database.db,
          storage.store,
          new FixedClock(new Date(at)),
          silent,
        ).removeAbandoned();
      expect(await cleanup(now + ACCOUNT_LEASE_MS - 60_000)).toMatchObject({ claimed: 0 });
      expect(await filesOf()).toEqual(left);
      expect(await cleanup(now + ACCOUNT_LEASE_MS + 60_000)).toMatchObject({
        claimed: 1,
        removed: 1,
        files: left.length,
      });
      expect(await rowsOf(importedId)).toBe(0);
      expect(await allKeys(storage.store)).toEqual([...(await owned())].sort());
      expect(await sweep(now + STORAGE_SWEEP_GRACE_MS + 60_000)).toMatchObject({
        orphanAccounts: 0,
        accountsImportingOrRemoving: 0,
      });
    }, 240_000);
  });
});
