import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import { newId } from "../../src/domain/ids.js";
import type { ExportContext, ExportFormat } from "../../src/exports/export-format.js";
import { storeUpload } from "../../src/http/attachments/store-upload.js";
import { ExportRunner } from "../../src/jobs/export-runner.js";
import { STORAGE_SWEEP_GRACE_MS, SweepStorageTask } from "../../src/jobs/tasks/sweep-storage.task.js";
import { AccountRepository } from "../../src/repositories/account.repository.js";
import { cascadeDelete } from "../../src/repositories/cascade-delete.js";
import { type ExportRun, ExportRunRepository } from "../../src/repositories/export-run.repository.js";
import { AttachmentService, attachmentKey } from "../../src/services/attachment.service.js";
import { BlobErasureService } from "../../src/services/blob-erasure.service.js";
import { EntityService } from "../../src/services/entity.service.js";
import { ExportService } from "../../src/services/export.service.js";
import { SYSTEM_ACTOR, type WriteContext } from "../../src/services/write-context.js";
import type { BlobStore } from "../../src/storage/blob-store.js";
import { LocalBlobStore } from "../../src/storage/local-blob-store.js";
import { s3StoreOn } from "../support/blob-backends.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../support/dialects.js";
import { leaveUnfinishedUpload, startUploadsProxy, type UploadsProxy } from "../support/s3-uploads-proxy.js";
import { type S3rverHarness, startS3rver } from "../support/s3rver.js";
import { ADMIN, allKeys, silent } from "./helpers.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A real store, and how the test makes a file look older or leaves a write unfinished. */
interface Backend {
  store: BlobStore;
  /** Sets a blob's modification time `ageMs` into the past, as the store reports it. */
  backdate(key: string, ageMs: number): Promise<void>;
  /** Leaves a write unfinished the way a killed process does. */
  unfinishedWrite(key: string): Promise<void>;
  /** The unfinished writes the store still holds. */
  unfinishedWrites(): Promise<number>;
  /** S3 only: DeleteObjects requests s3rver received. */
  deleteRequests?: () => number;
  stop(): Promise<void>;
}

const backends: Array<{ name: string; start: () => Promise<Backend> }> = [
  {
    name: "local",
    async start() {
      const root = await mkdtemp(path.join(os.tmpdir(), "hv-sweep-blobs-"));
      const tmp = path.join(root, ".tmp");
      const { readdir } = await import("node:fs/promises");
      return {
        store: new LocalBlobStore(root),
        backdate: async (key, ageMs) => {
          const at = new Date(Date.now() - ageMs);
          await utimes(path.join(root, ...key.split("/")), at, at);
        },
        // What a put SIGKILLed mid-stream leaves: its temp file, never renamed into place.
        unfinishedWrite: async (key) => {
          await mkdir(tmp, { recursive: true });
          await writeFile(path.join(tmp, `${newId()}.part`), `half of ${key}`);
        },
        unfinishedWrites: async () => (await readdir(tmp).catch(() => [])).length,
        stop: () => rm(root, { recursive: true, force: true }),
      };
    },
  },
  {
    name: "s3",
    async start() {
      const s3: S3rverHarness = await startS3rver();
      // s3rver cannot list or abort multipart uploads; the proxy answers those two calls from
      // s3rver's own upload folder (test/support/s3-uploads-proxy.ts) and forwards the rest.
      const proxy: UploadsProxy = await startUploadsProxy(s3);
      const credentials = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
      const client = new S3Client({
        region: "us-east-1",
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentials,
      });
      const store = s3StoreOn(s3, { endpoint: proxy.endpoint, listPageSize: 2 });
      return {
        store,
        backdate: async (key, ageMs) => {
          const at = new Date(Date.now() - ageMs);
          const parts = key.split("/");
          const file = `${parts.pop()}._S3rver_object`;
          await utimes(path.join(s3.directory, s3.bucket, ...parts, file), at, at);
        },
        // What a worker SIGKILLed mid-upload leaves: a multipart upload with parts, never completed.
        unfinishedWrite: async (key) => {
          await leaveUnfinishedUpload(s3, client, key);
        },
        unfinishedWrites: async () => (await proxy.uploadIds()).length,
        deleteRequests: () => s3.requests.filter((r) => /^POST \/[^/]+\/\?delete/.test(r)).length,
        async stop() {
          client.destroy();
          await store.close();
          await proxy.stop();
          await s3.stop();
        },
      };
    },
  },
];

// real: SQLite and PostgreSQL, a local store in a temp dir and S3 (s3rver). The clock is injected:
// "after the grace period" is the clock moved past it, never a sleep.
describe.each(DIALECTS)("storage sweep (%s)", (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await database?.drop();
  });

  describe.each(backends)("on $name storage", ({ start }) => {
    let b: Backend;
    let clock: FixedClock;
    let runs: ExportRunRepository;
    const sweeper = (batchSize = 2) =>
      new SweepStorageTask(database.db, b.store, clock, silent, { batchSize });
    const put = (key: string) => b.store.put(key, Buffer.from(key));
    const keysUnder = async (prefix: string) => (await allKeys(b.store)).filter((k) => k.startsWith(prefix));

    /** A new account with one candidate to attach files to. */
    const accountWithPerson = async (name: string) => {
      const account = await new AccountRepository(database.db).create({ name: `${name}-${newId()}` });
      const ctx: WriteContext = { accountId: account.id, actor: SYSTEM_ACTOR };
      const entities = new EntityService({ db: database.db, dialect, blobs: b.store, clock });
      const person = await entities.create(ctx, "persons", { first_name: "Ada", last_name: "Lovelace" });
      return { ctx, personId: String(person.id) };
    };
    /** The first half of an upload (`POST /api/v1/attachments`): the file is stored, no row yet. */
    const storeFile = async (accountId: string) => {
      const id = newId();
      const key = attachmentKey(accountId, id);
      const stored = await storeUpload(Readable.from([Buffer.from(`%PDF-1.4 ${id}`)]), b.store, key, 1 << 20);
      return { id, key, stored };
    };
    /** The second half: the row that names the file commits. */
    const commitRow = (ctx: WriteContext, personId: string, file: Awaited<ReturnType<typeof storeFile>>) =>
      new AttachmentService(database.db, clock).create(ctx, {
        id: file.id,
        entityType: "person",
        entityId: personId,
        fileName: "cv.pdf",
        storageKey: file.key,
        internalCv: true,
        ...file.stored,
      });
    /** A whole upload: its file and its row. */
    const upload = async (ctx: WriteContext, personId: string) => {
      const file = await storeFile(ctx.accountId);
      await commitRow(ctx, personId, file);
      return file.key;
    };

    beforeAll(async () => {
      b = await start();
      runs = new ExportRunRepository(database.db);
    });
    afterAll(async () => {
      await b?.stop();
    });

    it("removes the files of an account without a row once its newest file is past the grace period, and keeps them before", async () => {
      clock = new FixedClock(new Date());
      const kept = await accountWithPerson("kept");
      const ghost = newId(); // an import killed before its account row committed
      const recent = newId(); // two old files and one new: perhaps an import still running
      const ghostKeys = [
        ...[1, 2, 3, 4, 5].map((i) => `accounts/${ghost}/attachments/${newId()}-${i}`),
        `accounts/${ghost}/exports/${newId()}/1/data`,
      ];
      const recentKeys = [1, 2, 3].map(() => `accounts/${recent}/attachments/${newId()}`);
      const keptKeys = [await upload(kept.ctx, kept.personId), await upload(kept.ctx, kept.personId)];
      for (const key of [...ghostKeys, ...recentKeys, "accounts/not-an-account-id/x"]) await put(key);
      for (const key of recentKeys.slice(0, 2)) await b.backdate(key, 2 * DAY);
      for (const key of keptKeys) await b.backdate(key, 30 * DAY);

      // Within the grace period: nothing goes, not even the two files of `recent` that are past it.
      clock.advance(STORAGE_SWEEP_GRACE_MS - MINUTE);
      expect(await sweeper().sweep()).toMatchObject({ orphanAccounts: 0, orphanAccountFiles: 0 });
      expect(await keysUnder(`accounts/${ghost}/`)).toEqual([...ghostKeys].sort());
      expect(await keysUnder(`accounts/${recent}/`)).toEqual([...recentKeys].sort());

      // Past it: both accounts without a row lose every file, attachments and exports alike (the
      // second one's older files were past the grace period already, but its newest was not); the
      // existing account and a folder that is not an account id are not touched.
      clock.advance(2 * MINUTE);
      expect(await sweeper().sweep()).toMatchObject({
        orphanAccounts: 2,
        orphanAccountFiles: ghostKeys.length + recentKeys.length,
      });
      expect(await keysUnder(`accounts/${ghost}/`)).toEqual([]);
      expect(await keysUnder(`accounts/${recent}/`)).toEqual([]);
      expect(await keysUnder(`accounts/${kept.ctx.accountId}/`)).toEqual([...keptKeys].sort());
      expect(await keysUnder("accounts/not-an-account-id/")).toEqual(["accounts/not-an-account-id/x"]);
      await b.store.deleteMany([...keptKeys, "accounts/not-an-account-id/x"]);
    });

    it("never touches an existing account's files outside exports and attachments, however old", async () => {
      clock = new FixedClock(new Date());
      const account = await new AccountRepository(database.db).create({ name: `own-${newId()}` });
      const keys = [
        `accounts/${account.id}/other/file`,
        `accounts/${account.id}/exports/notes.txt`, // not the shape of an attempt's file
        `accounts/${account.id}/exports/${newId()}/latest/x`,
      ];
      for (const key of keys) await put(key);
      clock.advance(365 * DAY);
      expect(await sweeper().sweep()).toEqual({
        abandonedWrites: 0,
        orphanAccounts: 0,
        orphanAccountFiles: 0,
        deadAttemptFiles: 0,
        unownedAttachmentFiles: 0,
        accountsImportingOrRemoving: 0,
      });
      expect(await keysUnder(`accounts/${account.id}/`)).toEqual([...keys].sort());
      await b.store.deleteMany(keys);
    });

    it.each(["importing", "removing"])(
      "leaves every file of an account that is %s, however old: that process owns them",
      async (status) => {
        clock = new FixedClock(new Date());
        const account = await new AccountRepository(database.db).create({ name: `${status}-${newId()}` });
        await database.db.updateTable("accounts").set({ status }).where("id", "=", account.id).execute();
        // Files whose rows the import has not committed yet, and a dead attempt's shape.
        const keys = [
          (await storeFile(account.id)).key,
          (await storeFile(account.id)).key,
          `accounts/${account.id}/exports/${newId()}/1/backup`,
        ];
        await put(keys[2]!);
        clock.advance(365 * DAY);
        expect(await sweeper().sweep()).toMatchObject({
          orphanAccounts: 0,
          deadAttemptFiles: 0,
          unownedAttachmentFiles: 0,
          accountsImportingOrRemoving: 1,
        });
        expect(await keysUnder(`accounts/${account.id}/`)).toEqual([...keys].sort());
        // Active, the same files are judged: nothing names them, so they go.
        await database.db
          .updateTable("accounts")
          .set({ status: "active" })
          .where("id", "=", account.id)
          .execute();
        expect(await sweeper().sweep()).toMatchObject({ unownedAttachmentFiles: 2, deadAttemptFiles: 1 });
        expect(await keysUnder(`accounts/${account.id}/`)).toEqual([]);
      },
    );

    it("removes an existing account's attachment files no row names once past the grace period, keeping named and queued ones", async () => {
      clock = new FixedClock(new Date());
      const { ctx, personId } = await accountWithPerson("att");
      const other = await accountWithPerson("att-other");
      // Uploads killed between storing the file and inserting its row, among complete uploads and
      // one deleted attachment whose erasure has not run yet (the row is gone, its key queued):
      // with two keys per batch, every batch mixes them.
      const unnamed: string[] = [];
      const named: string[] = [];
      for (let i = 0; i < 3; i++) {
        unnamed.push((await storeFile(ctx.accountId)).key);
        named.push(await upload(ctx, personId));
      }
      unnamed.push((await storeFile(ctx.accountId)).key, (await storeFile(ctx.accountId)).key);
      const queued = await upload(ctx, personId);
      await database.db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom("attachments")
          .select("id")
          .where("storage_key", "=", queued)
          .executeTakeFirstOrThrow();
        // The delete as EntityService commits it; the process dies before the erasure after commit.
        await cascadeDelete(trx, ctx.accountId, "attachments", [row.id], clock.now().toISOString());
      });
      const otherKeys = [await upload(other.ctx, other.personId)];
      const all = [...unnamed, ...named, queued];

      // Within the grace period nothing goes: a file without a row may be an upload about to commit.
      clock.advance(STORAGE_SWEEP_GRACE_MS - MINUTE);
      await sweeper().sweep();
      expect(await keysUnder(`accounts/${ctx.accountId}/`)).toEqual([...all].sort());

      clock.advance(2 * MINUTE);
      const past = await sweeper().sweep();
      expect(await keysUnder(`accounts/${ctx.accountId}/`)).toEqual([...named, queued].sort());
      expect(await keysUnder(`accounts/${other.ctx.accountId}/`)).toEqual(otherKeys);
      expect(past).toMatchObject({
        unownedAttachmentFiles: unnamed.length,
        orphanAccounts: 0,
        deadAttemptFiles: 0,
      });
      // The queued file was left to the erasure, which still finds it and empties its queue.
      expect(await new BlobErasureService(database.db, b.store).eraseQueued({ keys: [queued] })).toBe(1);
      expect(await keysUnder(`accounts/${ctx.accountId}/`)).toEqual([...named].sort());
      await b.store.deleteMany([...named, ...otherKeys]);
    });

    it("keeps an upload's file while its row is about to commit, and for good once it has", async () => {
      clock = new FixedClock(new Date());
      const { ctx, personId } = await accountWithPerson("upl");
      const file = await storeFile(ctx.accountId); // stored; the request is about to insert the row
      clock.advance(STORAGE_SWEEP_GRACE_MS - MINUTE);
      await sweeper().sweep();
      expect(await keysUnder(`accounts/${ctx.accountId}/`)).toEqual([file.key]);
      await commitRow(ctx, personId, file);
      clock.advance(365 * DAY);
      await sweeper().sweep();
      expect(await keysUnder(`accounts/${ctx.accountId}/`)).toEqual([file.key]);
      await b.store.delete(file.key);
    });

    it("keeps the files of running attempts and published artifacts; removes dead attempts' after the grace period", async () => {
      clock = new FixedClock(new Date());
      const { ctx, personId } = await accountWithPerson("exp");
      const account = { id: ctx.accountId };
      const create = async (format: "backup" | "full" | "snapshot") =>
        (await runs.createOrGetActive(
          { accountId: account.id, format, trigger: "cli", requestedById: null, maxAttempts: 3 },
          clock.now(),
        ))!.run;
      const claim = async (run: ExportRun, owner: string, leaseMs = 60_000) =>
        (await runs.claimNext(owner, clock.now(), leaseMs, run.id))!;
      const key = (run: ExportRun, attempt: number, part: string) =>
        `accounts/${account.id}/exports/${run.id}/${attempt}/${part}`;

      // Succeeded at attempt 1: its artifact is published; a stray file beside it is not.
      const published = await create("snapshot");
      const p1 = await claim(published, "w1");
      await runs.complete(p1, "w1", {
        now: clock.now(),
        snapshotAt: clock.now(),
        expiresAt: new Date(clock.now().getTime() + 400 * DAY),
        artifacts: [
          {
            id: newId(),
            part: "snapshot",
            fileName: "s.zip",
            contentType: "application/zip",
            storageKey: key(published, 1, "snapshot"),
            sizeBytes: 1,
            sha256: "0".repeat(64),
          },
        ],
        warnings: null,
        progress: { done: 1, total: 1 },
      });
      // Failed for good at attempt 1 (its worker died before it could delete its files).
      const failed = await create("snapshot");
      const f1 = await claim(failed, "w2");
      await runs.giveBack(f1, "w2", { now: clock.now(), error: "boom", retryAt: null });
      // Its first worker died at attempt 1; attempt 2 runs now on another worker.
      const running = await create("backup");
      await claim(running, "dead", 1_000);
      clock.advance(2_000);
      const r2 = await claim(running, "alive");
      expect(r2.attempts).toBe(2);
      // Handed back at shutdown: attempt 1 is queued again, and the next attempt reuses its number.
      const released = await create("full");
      const h1 = await claim(released, "w3");
      await runs.giveBack(h1, "w3", { now: clock.now(), error: null, retryAt: clock.now(), release: true });

      const owned = [key(published, 1, "snapshot"), key(running, 2, "backup"), key(released, 1, "data")];
      const dead = [
        key(published, 1, "stray"),
        key(failed, 1, "snapshot"),
        key(running, 1, "backup"),
        `accounts/${account.id}/exports/${newId()}/1/data`, // no such run
      ];
      const attachment = await upload(ctx, personId);
      for (const k of [...owned, ...dead]) await put(k);

      clock.advance(STORAGE_SWEEP_GRACE_MS - MINUTE);
      expect(await sweeper().sweep()).toMatchObject({ deadAttemptFiles: 0 });
      expect(await keysUnder(`accounts/${account.id}/`)).toEqual([...owned, ...dead, attachment].sort());

      clock.advance(2 * MINUTE);
      expect(await sweeper().sweep()).toMatchObject({ deadAttemptFiles: dead.length, orphanAccounts: 0 });
      expect(await keysUnder(`accounts/${account.id}/`)).toEqual([...owned, attachment].sort());
      await b.store.deleteMany([...owned, attachment]);
    });

    it("leaves a running export's files alone while it runs, and its published files after", async () => {
      clock = new FixedClock(new Date());
      const account = await new AccountRepository(database.db).create({ name: `live-${newId()}` });
      const { run } = await new ExportService(database.db, clock).request(
        { accountId: account.id, actor: ADMIN },
        "backup",
      );
      const format = new SaveThenWait();
      const tmpRoot = await mkdtemp(path.join(os.tmpdir(), "hv-sweep-tmp-"));
      const runner = new ExportRunner({
        database,
        blobs: b.store,
        clock,
        logger: silent,
        tmpRoot,
        owner: "worker-a",
        heartbeatMs: 60_000,
        formats: () => format,
      });
      // By id: other tests leave runnable runs in this database.
      const running = runner.runById(run.id, new AbortController().signal);
      try {
        await format.saved; // the first file is stored; the export goes on
        clock.advance(STORAGE_SWEEP_GRACE_MS + DAY);
        expect(await sweeper().sweep()).toMatchObject({ deadAttemptFiles: 0 });
        expect(await keysUnder(`accounts/${account.id}/`)).toEqual([
          `accounts/${account.id}/exports/${run.id}/1/part-a`,
        ]);
      } finally {
        format.release();
        await running;
        await rm(tmpRoot, { recursive: true, force: true });
      }
      const done = await runs.get(account.id, run.id);
      expect(done).toMatchObject({ state: "succeeded", attempts: 1 });
      const artifacts = await runs.artifacts(account.id, [run.id]);
      expect(artifacts.map((a) => a.part)).toEqual(["part-a", "part-b"]);
      clock.advance(2 * STORAGE_SWEEP_GRACE_MS);
      expect(await sweeper().sweep()).toMatchObject({ deadAttemptFiles: 0 });
      expect(await keysUnder(`accounts/${account.id}/`)).toEqual(artifacts.map((a) => a.storage_key).sort());
      await b.store.deleteMany(artifacts.map((a) => a.storage_key));
    });

    it("removes unfinished writes older than the grace period and keeps newer ones", async () => {
      clock = new FixedClock(new Date());
      await b.unfinishedWrite(`accounts/${newId()}/exports/${newId()}/1/data`);
      clock.advance(STORAGE_SWEEP_GRACE_MS - MINUTE);
      expect(await sweeper().sweep()).toMatchObject({ abandonedWrites: 0 });
      expect(await b.unfinishedWrites()).toBe(1);
      clock.advance(2 * MINUTE);
      expect(await sweeper().sweep()).toMatchObject({ abandonedWrites: 1 });
      expect(await b.unfinishedWrites()).toBe(0);
    });

    it("deletes an account's files in batches of the batch size, listing them page by page", async () => {
      clock = new FixedClock(new Date());
      const ghost = newId();
      const keys = Array.from({ length: 7 }, (_, i) => `accounts/${ghost}/attachments/${i}`);
      for (const key of keys) await put(key);
      clock.advance(STORAGE_SWEEP_GRACE_MS + MINUTE);
      const before = b.deleteRequests?.();
      expect(await sweeper(3).sweep()).toMatchObject({ orphanAccounts: 1, orphanAccountFiles: 7 });
      // 7 files at 3 per batch: three DeleteObjects requests, never one for the whole account.
      if (b.deleteRequests) expect(b.deleteRequests() - before!).toBe(3);
      expect(await allKeys(b.store)).toEqual([]);
    });
  });
});

/** A format that stores one file, waits until released (a worker mid-export), then stores another. */
class SaveThenWait implements ExportFormat {
  readonly id = "backup" as const;
  readonly label = "save then wait";
  readonly saved: Promise<void>;
  #onSaved!: () => void;
  #gate: Promise<void>;
  release!: () => void;

  constructor() {
    this.saved = new Promise((resolve) => (this.#onSaved = resolve));
    this.#gate = new Promise((resolve) => (this.release = resolve));
  }

  async write(ctx: ExportContext): Promise<void> {
    const save = (part: string) =>
      ctx.saveArtifact({ part, fileName: `${part}.txt`, contentType: "text/plain" }, Readable.from([part]));
    await save("part-a");
    this.#onSaved();
    await this.#gate;
    await save("part-b");
  }
}
