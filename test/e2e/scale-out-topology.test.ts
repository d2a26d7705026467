import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPrefix } from "../../src/jobs/export-keys.js";
import type { ExportRun } from "../../src/repositories/export-run.repository.js";
import { seedAccount } from "../../src/seed/seed-account.js";
import { ApiTokenService } from "../../src/services/api-token.service.js";
import type { BlobStore } from "../../src/storage/blob-store.js";
import { createBlobStore } from "../../src/storage/create-blob-store.js";
import { runCli, spawnCli } from "../support/cli.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../support/dialects.js";
import { readCsvFile, records } from "../support/read-export.js";
import { type S3rverHarness, startS3rver } from "../support/s3rver.js";

type Format = "snapshot" | "backup" | "full";
type Proc = ReturnType<typeof spawnCli>;

/** What the API shows of a run (the fields this suite reads). */
interface ApiRun {
  id: string;
  format: Format;
  state: string;
  trigger: string;
  attempts: number;
  error: string | null;
  pending_invoices: { id: string; number: string }[];
  artifacts: {
    id: string;
    part: string;
    file_name: string;
    size_bytes: number;
    sha256: string;
    download_url: string | null;
  }[];
}

interface Account {
  name: string;
  id: string;
  format: Format;
  /** Admin token acting for an active admin (links are minted for them). */
  admin: string;
  /** Owner token: only owners settle invoices (full exports wait for payment). */
  owner: string;
  /** Index of the API process that requested the export; downloads go through the other. */
  api: number;
  run?: ApiRun;
}

const ACCOUNTS = 20;
const CANDIDATES = 10;
/** tenant-00 (a full export): every file padded, ~30 MB of CVs and attachments. */
const BIG_CANDIDATES = 40;
const BIG_PAD_BYTES = 500_000;
const LEASE_MS = 3_000;
const PARTS: Record<Format, string[]> = {
  snapshot: ["snapshot"],
  backup: ["backup"],
  full: ["attachments", "cvs", "data", "master"],
};
const TERMINAL = new Set(["succeeded", "failed", "expired"]);
/** Most accounts snapshot; every fifth asks for a full export (after paying), and four enable backups. */
const formatOf = (i: number): Format => (i % 5 === 0 ? "full" : i % 5 === 2 ? "backup" : "snapshot");

// real: PostgreSQL, s3rver (S3 protocol on loopback), the compiled CLI as four child processes —
// two `start --no-worker` API processes and two `worker` processes — sharing one database, one
// bucket and one HIREVAULT_SECRET, each with its own data dir (README.md#configuration scale-out;
// docs/EXPORTS.md#export-runs).
describe.runIf(DIALECTS.includes("postgres"))("scale-out topology: 2 API + 2 worker processes", () => {
  let database: TestDatabase;
  let s3: S3rverHarness;
  let blobs: BlobStore;
  let root: string;
  const accounts: Account[] = [];
  const apis: { proc: Proc; url: string }[] = [];
  const workers: Proc[] = [];
  const timings: Record<string, number | string> = {};
  /** The run whose worker was SIGKILLed, and the files its attempt had stored by then. */
  let killed: { run: ExportRun; pid: number; leftKeys: string[] } | undefined;

  const envFor = (name: string, extra: Record<string, string> = {}) => ({
    HIREVAULT_DATA_DIR: path.join(root, name),
    DATABASE_URL: database.url,
    S3_BUCKET: s3.bucket,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: "us-east-1",
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    // The same key everywhere: a link signed by one process (API or worker) verifies on any other.
    HIREVAULT_SECRET: "scale-out-test-secret-shared-by-every-process",
    HIREVAULT_DEMO: "false",
    HIREVAULT_EXPORT_LEASE_MS: String(LEASE_MS),
    PORT: "0",
    ...extra,
  });

  const api = async (
    i: number,
    method: string,
    url: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(`${apis[i]!.url}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };

  beforeAll(async () => {
    let t = Date.now();
    root = await fs.mkdtemp(path.join(os.tmpdir(), "hv-topology-"));
    database = await createTestDatabase("postgres");
    s3 = await startS3rver("hirevault-files");
    blobs = await createBlobStore({
      dataDir: path.join(root, "seed"),
      s3: {
        bucket: s3.bucket,
        endpoint: s3.endpoint,
        region: "us-east-1",
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
      },
    });
    const tokens = new ApiTokenService(database.db);
    for (let i = 0; i < ACCOUNTS; i++) {
      const name = `tenant-${String(i).padStart(2, "0")}`;
      // The first account is larger (padded files): its full export writes a ~20 MB CV zip, then a
      // ~9 MB attachments zip, long enough to kill its worker between the two.
      const { accountId } = await seedAccount({
        db: database.db,
        blobs,
        accountName: name,
        candidates: CANDIDATES,
        ...(i === 0 ? { candidates: BIG_CANDIDATES, cvRatio: 1, padBytes: BIG_PAD_BYTES } : {}),
      });
      const userOf = async (role: "owner" | "admin") =>
        (
          await database.db
            .selectFrom("users")
            .select("id")
            .where("account_id", "=", accountId)
            .where("role", "=", role)
            .where("status", "=", "active")
            .orderBy("created_at")
            .executeTakeFirstOrThrow()
        ).id;
      const admin = await tokens.create(accountId, {
        name: "test",
        role: "admin",
        userId: await userOf("admin"),
      });
      const owner = await tokens.create(accountId, {
        name: "test",
        role: "owner",
        userId: await userOf("owner"),
      });
      accounts.push({
        name,
        id: accountId,
        format: formatOf(i),
        admin: admin.token,
        owner: owner.token,
        api: i % 2,
      });
    }
    timings.seedMs = Date.now() - t;

    t = Date.now();
    for (let i = 0; i < 2; i++) {
      const proc = spawnCli(["start", "--no-worker"], envFor(`api-${i}`));
      apis.push({ proc, url: "" });
      workers.push(spawnCli(["worker"], envFor(`worker-${i}`, { LOG_LEVEL: "info" })));
    }
    for (const a of apis) a.url = (await a.proc.waitFor(/Hirevault is running at (http:\/\/\S+)/))[1]!;
    for (const w of workers) await w.waitFor(/"msg":"worker started"/);
    timings.startMs = Date.now() - t;
  }, 120_000);

  afterAll(async () => {
    const all = [...apis.map((a) => a.proc), ...workers].filter(
      (p) => p.child.exitCode === null && !p.child.signalCode,
    );
    for (const p of all) {
      p.child.kill("SIGCONT"); // in case a failure left one frozen
      p.child.kill("SIGTERM");
    }
    const codes = await Promise.all(all.map((p) => p.exited));
    await blobs?.close?.();
    await s3?.stop();
    await database?.drop();
    if (root) await fs.rm(root, { recursive: true, force: true });
    console.info(`scale-out topology timings: ${JSON.stringify(timings)}`);
    // Every process still running stopped cleanly on SIGTERM (the killed worker is not among them).
    expect(codes.every((c) => c === 0)).toBe(true);
  });

  /**
   * SIGKILLs the worker running the big account's full export once its attempt has stored a file
   * in the bucket (the CV zip) and is writing the next (the ~9 MB attachments zip, uploaded in
   * parts). The worker is frozen (SIGSTOP) first so its row can be read back while nothing of it
   * moves: only if the run is still `running` under its lease then is it killed, mid-export;
   * otherwise it is thawed and the watch goes on.
   */
  async function killMidExport(
    deadline: number,
    signal: AbortSignal,
  ): Promise<{ run: ExportRun; victim: Proc }> {
    const byPid = new Map(workers.map((w) => [w.child.pid!, w]));
    const holder = (run: ExportRun) => Number(run.lease_owner!.split(":").at(-2));
    const stillHeld = (run: ExportRun) =>
      database.db
        .selectFrom("export_runs")
        .selectAll()
        .where("id", "=", run.id)
        .where("state", "=", "running")
        .where("lease_owner", "=", run.lease_owner)
        .executeTakeFirst();
    while (Date.now() < deadline && !signal.aborted) {
      const running = await database.db
        .selectFrom("export_runs")
        .selectAll()
        .where("state", "=", "running")
        .where("account_id", "=", accounts[0]!.id)
        .execute();
      let run: ExportRun | undefined;
      for (const r of running) {
        for await (const _ of blobs.list(`${runPrefix(r)}${r.attempts}/`)) run ??= r;
      }
      const victim = run && byPid.get(holder(run));
      if (run && victim) {
        process.kill(victim.child.pid!, "SIGSTOP");
        await sleep(150); // statements already sent reach PostgreSQL and commit or not
        const held = await stillHeld(run);
        if (held) {
          victim.child.kill("SIGKILL");
          await victim.exited;
          return { run: held, victim };
        }
        process.kill(victim.child.pid!, "SIGCONT");
      }
      await sleep(20);
    }
    throw new Error("no worker was caught uploading an export");
  }

  /** Requests the account's export the way a user would, through the account's API process. */
  async function request(a: Account): Promise<ApiRun> {
    if (a.format === "backup") {
      const res = await api(a.api, "PUT", "/api/v1/backup-schedule", a.admin, { enabled: true });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      // The first backup starts at once: the schedule lists it, on its way.
      const { backups } = res.json as { backups: ApiRun[] };
      expect(backups).toHaveLength(1);
      return backups[0]!;
    }
    const res = await api(a.api, "POST", "/api/v1/exports", a.admin, { format: a.format });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    let run = res.json as ApiRun;
    if (a.format === "full") {
      // The seed leaves one pending invoice: the run waits; the owner pays it through the other
      // API process, which releases the run in the same transaction.
      expect(run).toMatchObject({ state: "awaiting_payment" });
      expect(run.pending_invoices).toHaveLength(1);
      const paid = await api(1 - a.api, "PATCH", `/api/v1/invoices/${run.pending_invoices[0]!.id}`, a.owner, {
        status: "paid",
      });
      expect(paid.status, JSON.stringify(paid.json)).toBe(200);
      run = (await api(a.api, "GET", `/api/v1/exports/${run.id}`, a.admin)).json as ApiRun;
      expect(["queued", "running", "succeeded"]).toContain(run.state);
    }
    return run;
  }

  it("runs 20 accounts' exports at once across the processes; a worker SIGKILLed mid-export is replaced", async () => {
    const t = Date.now();
    const deadline = t + 60_000;
    s3.requests.length = 0;
    const watch = new AbortController();
    const killing = killMidExport(deadline, watch.signal);
    killing.catch(() => undefined); // awaited below; a failed request must not leave it unhandled
    try {
      const requested = await Promise.all(accounts.map(request));
      accounts.forEach((a, i) => {
        a.run = requested[i]!;
      });
    } catch (err) {
      watch.abort();
      throw err;
    }
    timings.requestMs = Date.now() - t;
    const { run: killedRun, victim } = await killing;
    killed = { run: killedRun, pid: victim.child.pid!, leftKeys: [] };
    timings.killAtMs = Date.now() - t;
    // The SIGKILLed worker really held it: the row still names it, running, after its death.
    const after = await database.db
      .selectFrom("export_runs")
      .selectAll()
      .where("id", "=", killed.run.id)
      .executeTakeFirstOrThrow();
    expect(after).toMatchObject({
      state: "running",
      lease_owner: killed.run.lease_owner,
      attempts: killed.run.attempts,
    });
    expect(killed.run.lease_owner).toContain(`:${killed.pid}:`);
    expect(killed.run).toMatchObject({ account_id: accounts[0]!.id, format: "full" });
    for await (const b of blobs.list(`${runPrefix(killed.run)}${killed.run.attempts}/`))
      killed.leftKeys.push(b.key);
    // Killed between two files: the dead attempt left at least one stored file behind.
    expect(killed.leftKeys.length).toBeGreaterThan(0);
    timings.killed = `${killed.run.format}, attempt ${killed.run.attempts}, ${killed.leftKeys.length} file(s) left`;

    // Follow every run through the API processes, alternately, until all are done.
    const pending = new Set(accounts);
    let poll = 0;
    while (pending.size > 0 && Date.now() < deadline) {
      for (const a of [...pending]) {
        const res = await api(poll++ % 2, "GET", `/api/v1/exports/${a.run!.id}`, a.admin);
        expect(res.status).toBe(200);
        const run = res.json as ApiRun;
        if (TERMINAL.has(run.state)) pending.delete(a);
      }
      if (pending.size > 0) await sleep(300);
    }
    timings.allDoneMs = Date.now() - t;
    expect([...pending].map((a) => a.name)).toEqual([]);
    // The final state, as the requesting API process shows it (its links are the ones checked below).
    for (const a of accounts) {
      a.run = (await api(a.api, "GET", `/api/v1/exports/${a.run!.id}`, a.admin)).json as ApiRun;
      expect(a.run, a.name).toMatchObject({ state: "succeeded", error: null, format: a.format });
      expect(a.run.trigger).toBe(a.format === "backup" ? "schedule" : "manual");
    }
    const rescued = accounts.find((a) => a.run!.id === killed!.run.id)!;
    expect(rescued, "the killed worker's run is one of the requested ones").toBeDefined();
    expect(rescued.run!.attempts).toBeGreaterThan(killed.run.attempts);
  }, 90_000);

  it("finished every export exactly once: one run, its parts once in the database and the bucket, one email", async () => {
    expect(killed).toBeDefined();
    const runs = await database.db.selectFrom("export_runs").selectAll().execute();
    expect(runs).toHaveLength(ACCOUNTS);
    const artifacts = await database.db.selectFrom("export_artifacts").selectAll().execute();
    const emails = await database.db.selectFrom("outbox_emails").selectAll().execute();
    const succeeded = await database.db
      .selectFrom("audit_log")
      .select(["entity_id", "changes"])
      .where("action", "=", "export.succeeded")
      .execute();
    const published = workers.flatMap((w) =>
      w
        .output()
        .stdout.split("\n")
        .filter((l) => l.includes('"msg":"export published"'))
        .map((l) => (JSON.parse(l) as { exportRunId: string }).exportRunId),
    );
    expect(published.sort()).toEqual(runs.map((r) => r.id).sort());

    for (const a of accounts) {
      const run = runs.find((r) => r.account_id === a.id);
      expect(run, a.name).toBeDefined();
      expect(run).toMatchObject({ id: a.run!.id, state: "succeeded", lease_owner: null, active_key: null });
      const mine = artifacts.filter((x) => x.export_run_id === run!.id);
      expect(mine.map((x) => x.part).sort(), a.name).toEqual(PARTS[a.format]);
      // Published by the last attempt, under its own number.
      for (const x of mine) expect(x.storage_key).toBe(`${runPrefix(run!)}${run!.attempts}/${x.part}`);
      // The bucket holds exactly those files for the account's exports: no partial or earlier attempt.
      const keys: string[] = [];
      for await (const b of blobs.list(`accounts/${a.id}/exports/`)) keys.push(b.key);
      expect(keys.sort(), a.name).toEqual(mine.map((x) => x.storage_key).sort());
      for (const x of mine) {
        const head = await blobs.head(x.storage_key);
        expect(head?.size).toBe(Number(x.size_bytes));
      }
      const mail = emails.filter((e) => e.export_run_id === run!.id);
      expect(
        mail.map((e) => e.kind),
        a.name,
      ).toEqual(a.format === "full" ? ["export_ready"] : []);
      expect(
        succeeded.filter((s) => s.entity_id === run!.id),
        a.name,
      ).toHaveLength(1);
    }
    // No process logged an error (a failed task, a failed export, a 5xx).
    for (const p of [...apis.map((x) => x.proc), ...workers]) {
      const errors = p
        .output()
        .stdout.split("\n")
        .filter((l) => /"level":(50|60)\b/.test(l));
      expect(errors, `process ${p.child.pid}`).toEqual([]);
    }
    // What the dead attempt left was deleted by the attempt that took over.
    const keys: string[] = [];
    for await (const b of blobs.list(runPrefix(killed!.run))) keys.push(b.key);
    for (const k of killed!.leftKeys) expect(keys).not.toContain(k);
    const rescued = succeeded.find((s) => s.entity_id === killed!.run.id)!;
    const changes = (typeof rescued.changes === "string" ? JSON.parse(rescued.changes) : rescued.changes) as {
      attempt: number;
    };
    expect(changes.attempt).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it("serves every file through the other API process's signed link, byte for byte, and each export verifies", async () => {
    expect(killed).toBeDefined();
    const t = Date.now();
    const dl = path.join(root, "downloads");
    const verifyEnv = { HIREVAULT_DATA_DIR: path.join(root, "verify") };
    const toVerify: string[] = [];
    await Promise.all(
      accounts.map(async (a) => {
        const dir = path.join(dl, a.name);
        await fs.mkdir(dir, { recursive: true });
        const other = apis[1 - a.api]!.url;
        for (const x of a.run!.artifacts) {
          expect(x.download_url, `${a.name} ${x.part}`).toBeTruthy();
          // Minted by the requesting process, checked by the other one (shared HIREVAULT_SECRET),
          // which redirects to a presigned S3 URL.
          const link = new URL(x.download_url!);
          expect(link.origin).toBe(apis[a.api]!.url);
          const res = await fetch(`${other}${link.pathname}`);
          expect(res.status, `${a.name} ${x.part}`).toBe(200);
          expect(res.redirected).toBe(true);
          const bytes = Buffer.from(await res.arrayBuffer());
          expect(bytes.length).toBe(x.size_bytes);
          expect(createHash("sha256").update(bytes).digest("hex")).toBe(x.sha256);
          await fs.writeFile(path.join(dir, x.file_name), bytes);
        }
        const main = a.run!.artifacts.find((x) => x.part === (a.format === "full" ? "master" : a.format))!;
        toVerify.push(path.join(dir, main.file_name));
        if (a.format !== "full") return;
        // The master CSV's links were signed by a worker: they work through either API process.
        const listed = records(await readCsvFile(path.join(dir, main.file_name)));
        expect(listed).toHaveLength(3);
        for (const row of listed) {
          const res = await fetch(`${apis[1 - a.api]!.url}${new URL(row.Link!).pathname}`);
          expect(res.status, `${a.name} ${row.Part}`).toBe(200);
          const bytes = Buffer.from(await res.arrayBuffer());
          expect(createHash("sha256").update(bytes).digest("hex")).toBe(row["SHA-256"]);
        }
      }),
    );
    timings.downloadMs = Date.now() - t;
    // `hirevault verify` on every export (a full export through its master CSV, which re-checks
    // the three zips beside it), plus the rescued run's Data Files zip on its own; a few at a time.
    const rescued = accounts.find((a) => a.run!.id === killed!.run.id)!;
    const data = rescued.run!.artifacts.find((x) => x.part === "data")!;
    toVerify.push(path.join(dl, rescued.name, data.file_name));
    const failures: string[] = [];
    const queue = [...toVerify];
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        for (let file = queue.shift(); file; file = queue.shift()) {
          const res = await runCli(["verify", file], verifyEnv);
          if (res.code !== 0) failures.push(`${file}: ${res.stdout}${res.stderr}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(toVerify).toHaveLength(ACCOUNTS + 1);
    timings.verifyMs = Date.now() - t - (timings.downloadMs as number);
  }, 60_000);
});
