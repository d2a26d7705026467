import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPrefix } from "../../src/jobs/export-keys.js";
import { seedAccount } from "../../src/seed/seed-account.js";
import { ExportService } from "../../src/services/export.service.js";
import { SYSTEM_ACTOR } from "../../src/services/write-context.js";
import { LocalBlobStore } from "../../src/storage/local-blob-store.js";
import { spawnCli } from "../support/cli.js";
import { createTestDatabase, DIALECTS, type TestDatabase, waitUntil } from "../support/dialects.js";

const run = promisify(execFile);

// real: SQLite file / PostgreSQL, local blob store, `hirevault worker` child processes killed
// with SIGKILL and SIGTERM. docs/EXPORTS.md#export-runs.
describe.each(DIALECTS)("export jobs survive a killed worker (%s)", (dialect) => {
  let database: TestDatabase;
  let dataDir: string;
  let env: Record<string, string | undefined>;
  const accounts: Record<string, string> = {};

  const runOf = (accountId: string) =>
    database.db
      .selectFrom("export_runs")
      .selectAll()
      .where("account_id", "=", accountId)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hv-crash-"));
    database = await createTestDatabase(dialect, { dataDir });
    const blobs = new LocalBlobStore(path.join(dataDir, "blobs"));
    // One account big enough that its backup takes a while (padded CVs), three small ones.
    const big = await seedAccount({
      db: database.db,
      blobs,
      accountName: "big",
      candidates: 240,
      cvRatio: 1,
      padBytes: 1_500_000,
    });
    accounts.big = big.accountId;
    for (const name of ["s1", "s2", "s3"]) {
      accounts[name] = (
        await seedAccount({ db: database.db, blobs, accountName: name, candidates: 20 })
      ).accountId;
    }
    env = {
      HIREVAULT_DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      HIREVAULT_EXPORT_LEASE_MS: "2000",
      LOG_LEVEL: "info",
    };
  }, 180_000);

  afterAll(async () => {
    await database.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("a worker SIGKILLed mid-backup is replaced: one artifact, attempts = 2, nothing half-written", async () => {
    const exports = new ExportService(database.db, { now: () => new Date() });
    const { run: requested } = await exports.request(
      { accountId: accounts.big!, actor: SYSTEM_ACTOR },
      "backup",
    );
    const victim = spawnCli(["worker"], env);
    const started = await waitUntil("the backup to be half-way", async () => {
      const r = await runOf(accounts.big!);
      return r.state === "running" && Number(r.progress_done) > 0 && r;
    });
    expect(started.lease_owner).toContain(`:${victim.child.pid}:`);
    victim.child.kill("SIGKILL");
    await victim.exited;

    const rescuer = spawnCli(["worker"], env);
    try {
      const done = await waitUntil("the backup to finish", async () => {
        const r = await runOf(accounts.big!);
        return (r.state === "succeeded" || r.state === "failed") && r;
      });
      expect(done).toMatchObject({ id: requested.id, state: "succeeded", attempts: 2, error: null });
      const artifacts = await exports.runs.artifacts(accounts.big!, [requested.id]);
      expect(artifacts).toHaveLength(1);
      // Only the second attempt's file remains in storage; the first attempt's temp dir is gone.
      const blobs = new LocalBlobStore(path.join(dataDir, "blobs"));
      const keys: string[] = [];
      for await (const b of blobs.list(runPrefix(done))) keys.push(b.key);
      expect(keys).toEqual([artifacts[0]!.storage_key]);
      expect(artifacts[0]!.storage_key).toMatch(/\/2\/backup$/);
      const tmp = await fs.readdir(path.join(dataDir, "tmp", "exports")).catch(() => []);
      expect(tmp.filter((d) => d.startsWith(`${requested.id}-1`))).toEqual([]);
      const file = path.join(dataDir, "out.zip");
      await fs.writeFile(file, Buffer.concat(await (await blobs.get(artifacts[0]!.storage_key)).toArray()));
      const { stdout } = await run("unzip", ["-tq", file]);
      expect(stdout).toMatch(/No errors detected/);
      const succeeded = await database.db
        .selectFrom("audit_log")
        .select("action")
        .where("entity_id", "=", requested.id)
        .where("action", "=", "export.succeeded")
        .execute();
      expect(succeeded).toHaveLength(1);
    } finally {
      rescuer.child.kill("SIGTERM");
      expect(await rescuer.exited).toBe(0);
    }
  }, 180_000);

  it("several workers share the queue: every export runs exactly once; SIGTERM stops them cleanly", async () => {
    const exports = new ExportService(database.db, { now: () => new Date() });
    const small = ["s1", "s2", "s3"].map((n) => accounts[n]!);
    await Promise.all(small.map((id) => exports.request({ accountId: id, actor: SYSTEM_ACTOR }, "backup")));
    const workers = [spawnCli(["worker"], env), spawnCli(["worker"], env)];
    try {
      for (const id of small) {
        await waitUntil(`the backup of ${id}`, async () => (await runOf(id)).state === "succeeded");
      }
      for (const id of small) expect(await runOf(id)).toMatchObject({ state: "succeeded", attempts: 1 });
    } finally {
      for (const w of workers) w.child.kill("SIGTERM");
    }
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
    const published = workers.flatMap((w) => w.output().stdout.match(/"msg":"export published"/g) ?? []);
    expect(published).toHaveLength(3);
  }, 120_000);
});
