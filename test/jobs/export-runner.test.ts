import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AccountRepository } from "../../src/repositories/account.repository.js";
import { ExportRunRepository } from "../../src/repositories/export-run.repository.js";
import { ExportService } from "../../src/services/export.service.js";
import type { WriteContext } from "../../src/services/write-context.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../support/dialects.js";
import { ADMIN, allKeys, ProbeFormat, type RunnerHarness, runnerHarness } from "./helpers.js";

describe.each(DIALECTS)("export runs as a durable queue (%s)", (dialect) => {
  let database: TestDatabase;
  let h: RunnerHarness;
  let ctx: WriteContext;
  let exports: ExportService;
  let runs: ExportRunRepository;
  const never = new AbortController().signal;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    // Runs are claimed across accounts: start every test with an empty queue.
    await database.db.deleteFrom("export_artifacts").execute();
    await database.db.deleteFrom("export_runs").execute();
    h = await runnerHarness(database);
    const account = await new AccountRepository(database.db).create({ name: `acct-${Math.random()}` });
    ctx = { accountId: account.id, actor: ADMIN };
    exports = new ExportService(database.db, h.clock);
    runs = new ExportRunRepository(database.db);
    return () => h.cleanup();
  });

  it("runs a requested export once and publishes its artifact with size and SHA-256 (3.4)", async () => {
    const { run } = await exports.request(ctx, "backup");
    expect(run.state).toBe("queued");
    const probe = new ProbeFormat();
    const worker = h.runner("w1", probe);
    expect(await worker.runNext(never)).toBe(true);
    expect(await worker.runNext(never)).toBe(false); // nothing left: the run is not run twice
    const { run: done, artifacts } = await exports.get(ctx, run.id);
    expect(done).toMatchObject({ state: "succeeded", attempts: 1, active_key: null, lease_owner: null });
    expect(artifacts).toHaveLength(1);
    expect(artifacts[0]).toMatchObject({ part: "backup", size_bytes: 10 });
    expect(artifacts[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await allKeys(h.blobs)).toEqual([artifacts[0]!.storage_key]);
    expect(probe.calls).toBe(1);
    const audit = await database.db
      .selectFrom("audit_log")
      .select("action")
      .where("account_id", "=", ctx.accountId)
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["export.requested", "export.succeeded"]);
  });

  it("gives concurrent requests of one format the same run (3.14)", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => exports.request(ctx, "backup")));
    expect(new Set(results.map((r) => r.run.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const count = await database.db
      .selectFrom("export_runs")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("account_id", "=", ctx.accountId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it("lets two workers claim different runs, never the same one", async () => {
    const other = await new AccountRepository(database.db).create({ name: `acct-${Math.random()}` });
    const a = await exports.request(ctx, "backup");
    const b = await exports.request({ accountId: other.id, actor: ADMIN }, "backup");
    const [x, y] = await Promise.all([
      runs.claimNext("w1", h.clock.now(), 60_000),
      runs.claimNext("w2", h.clock.now(), 60_000),
    ]);
    expect(new Set([x?.id, y?.id])).toEqual(new Set([a.run.id, b.run.id]));
    expect(await runs.claimNext("w3", h.clock.now(), 60_000)).toBeUndefined();
  });

  it("reclaims only runs whose lease expired (3.5) and the stale worker cannot publish (3.1)", async () => {
    const { run } = await exports.request(ctx, "backup");
    const claimed = await runs.claimNext("dead-worker", h.clock.now(), 60_000);
    expect(claimed?.id).toBe(run.id);
    h.clock.advance(59_000);
    expect(await runs.claimNext("w2", h.clock.now(), 60_000)).toBeUndefined(); // lease still held
    h.clock.advance(2_000);
    const probe = new ProbeFormat();
    expect(await h.runner("w2", probe).runNext(never)).toBe(true);
    const done = await runs.get(ctx.accountId, run.id);
    expect(done).toMatchObject({ state: "succeeded", attempts: 2 });
    // The dead worker comes back: its lease is gone, so it can neither publish nor fail the run.
    expect(await runs.heartbeat(run.id, "dead-worker", h.clock.now(), 60_000, { done: 1, total: 1 })).toBe(
      false,
    );
    expect(
      await runs.complete(claimed!, "dead-worker", {
        now: h.clock.now(),
        snapshotAt: h.clock.now(),
        expiresAt: h.clock.now(),
        artifacts: [],
        warnings: null,
        progress: { done: 0, total: 0 },
      }),
    ).toBe(false);
    expect(await runs.artifacts(ctx.accountId, [run.id])).toHaveLength(1);
  });

  it("retries a transient failure with backoff, then succeeds; no partial files left (3.7)", async () => {
    const { run } = await exports.request(ctx, "backup");
    const probe = new ProbeFormat();
    probe.failures.push(new Error("S3 500 InternalError"), new Error("socket hang up"));
    const worker = h.runner("w1", probe);
    expect(await worker.runNext(never)).toBe(true);
    let row = await runs.get(ctx.accountId, run.id);
    expect(row).toMatchObject({ state: "queued", attempts: 1, error: "Error: S3 500 InternalError" });
    const firstDelay = new Date(row!.run_at).getTime() - h.clock.now().getTime();
    expect(firstDelay).toBeGreaterThanOrEqual(24_000);
    expect(firstDelay).toBeLessThanOrEqual(36_000);
    expect(await worker.runNext(never)).toBe(false); // not before its run_at
    h.clock.advance(firstDelay);
    await worker.runNext(never);
    row = await runs.get(ctx.accountId, run.id);
    const secondDelay = new Date(row!.run_at).getTime() - h.clock.now().getTime();
    expect(secondDelay).toBeGreaterThan(firstDelay * 1.3); // exponential
    h.clock.advance(secondDelay);
    await worker.runNext(never);
    row = await runs.get(ctx.accountId, run.id);
    expect(row).toMatchObject({ state: "succeeded", attempts: 3, error: null });
    expect(await allKeys(h.blobs)).toHaveLength(1);
  });

  it("fails for good after the last attempt, with a reason an admin can read, and audits it (3.8)", async () => {
    const { run } = await exports.request(ctx, "backup");
    const probe = new ProbeFormat();
    for (let i = 0; i < 10; i++) probe.failures.push(new Error(`disk full ${i}`));
    const worker = h.runner("w1", probe);
    for (let i = 0; i < 10; i++) {
      await worker.runNext(never);
      h.clock.advance(3_600_000);
    }
    const row = await runs.get(ctx.accountId, run.id);
    expect(row).toMatchObject({
      state: "failed",
      attempts: 5,
      active_key: null,
      error: "Error: disk full 4",
    });
    expect(probe.calls).toBe(5);
    expect(await allKeys(h.blobs)).toEqual([]);
    // A failed run frees the slot: a new request makes a new run.
    const again = await exports.request(ctx, "backup");
    expect(again.created).toBe(true);
  });

  it("hands the run back untouched on shutdown (3.9): no attempt used, no files", async () => {
    const { run } = await exports.request(ctx, "backup");
    const probe = new ProbeFormat();
    probe.gate = new Promise(() => {});
    const entered = new Promise<void>((r) => {
      probe.entered = r;
    });
    const stop = new AbortController();
    const running = h.runner("w1", probe).runNext(stop.signal);
    await entered;
    stop.abort();
    await running;
    expect(await runs.get(ctx.accountId, run.id)).toMatchObject({
      state: "queued",
      attempts: 0,
      lease_owner: null,
    });
    expect(await allKeys(h.blobs)).toEqual([]);
  });

  it("reads one consistent snapshot: rows written during the export are not in it (6.10)", async () => {
    await database.db
      .insertInto("persons")
      .values(personRow(ctx.accountId, "00000000-0000-7000-8000-000000000001"))
      .execute();
    await exports.request(ctx, "backup");
    const probe = new ProbeFormat();
    let release!: () => void;
    probe.gate = new Promise((r) => {
      release = r;
    });
    const entered = new Promise<void>((r) => {
      probe.entered = r;
    });
    const running = h.runner("w1", probe).runNext(never);
    await entered;
    await database.db
      .insertInto("persons")
      .values(personRow(ctx.accountId, "00000000-0000-7000-8000-000000000002"))
      .execute();
    release();
    await running;
    const [artifact] = await runs.artifacts(
      ctx.accountId,
      (await runs.list(ctx.accountId, { limit: 1 })).map((r) => r.id),
    );
    const body = await (await h.blobs.get(artifact!.storage_key)).toArray();
    expect(Buffer.concat(body).toString()).toBe("persons:1\n");
  });
});

function personRow(accountId: string, id: string) {
  const at = "2026-11-24T09:00:00.000Z";
  return {
    id,
    account_id: accountId,
    first_name: "Snap",
    last_name: "Shot",
    headline: null,
    location: null,
    source_type: null,
    source_id: null,
    referrer: null,
    owner_id: null,
    created_at: at,
    updated_at: at,
  };
}
