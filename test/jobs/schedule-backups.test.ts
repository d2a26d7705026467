import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import { ExpireExportsTask } from "../../src/jobs/tasks/expire-exports.task.js";
import { ScheduleBackupsTask } from "../../src/jobs/tasks/schedule-backups.task.js";
import { AccountRepository } from "../../src/repositories/account.repository.js";
import { BackupScheduleService } from "../../src/services/backup-schedule.service.js";
import type { WriteContext } from "../../src/services/write-context.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../support/dialects.js";
import { ADMIN, allKeys, ProbeFormat, runnerHarness, silent } from "./helpers.js";

describe.each(DIALECTS)("monthly backup schedule (%s)", (dialect) => {
  let database: TestDatabase;
  let clock: FixedClock;
  let ctx: WriteContext;
  let schedules: BackupScheduleService;

  const backups = () =>
    database.db
      .selectFrom("export_runs")
      .select(["period", "trigger", "state"])
      .where("account_id", "=", ctx.accountId)
      .orderBy("period")
      .execute();
  const tick = (n = 1) =>
    Promise.all(Array.from({ length: n }, () => new ScheduleBackupsTask(database.db, clock, silent).run()));
  // Finish whatever is queued, so the next period's run is not blocked by an active one.
  const finishAll = () =>
    database.db
      .updateTable("export_runs")
      .set({ state: "succeeded", active_key: null })
      .where("account_id", "=", ctx.accountId)
      .where("state", "=", "queued")
      .execute();

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    clock = new FixedClock(new Date("2026-11-24T10:00:00Z"));
    const account = await new AccountRepository(database.db).create({
      name: `acct-${Math.random()}`,
      timeZone: "Europe/London",
    });
    ctx = { accountId: account.id, actor: ADMIN };
    schedules = new BackupScheduleService(database.db, clock);
  });

  it("makes the first backup at once when enabled, then one on the same day each month", async () => {
    const { schedule } = await schedules.update(ctx, { enabled: true });
    expect(schedule).toMatchObject({ enabled: true, day_of_month: 24, retention_months: 3 });
    expect(schedule.next_due_at).toBe("2026-12-24T00:00:00.000Z");
    expect(await backups()).toEqual([{ period: "2026-11", trigger: "schedule", state: "queued" }]);
    await finishAll();
    clock.set(new Date("2026-12-23T23:59:59Z"));
    await tick();
    expect(await backups()).toHaveLength(1);
    clock.set(new Date("2026-12-24T00:00:00Z"));
    await tick();
    expect((await backups()).map((b) => b.period)).toEqual(["2026-11", "2026-12"]);
  });

  it("makes exactly one backup per period when several schedulers tick at once (3.10)", async () => {
    await schedules.update(ctx, { enabled: true });
    await finishAll();
    clock.set(new Date("2026-12-24T08:00:00Z"));
    await tick(6);
    await tick(3);
    expect((await backups()).map((b) => b.period)).toEqual(["2026-11", "2026-12"]);
  });

  it("makes a missed period once, not once per missed month or tick (3.11)", async () => {
    await schedules.update(ctx, { enabled: true });
    await finishAll();
    clock.set(new Date("2027-03-03T09:00:00Z")); // down since December
    await tick();
    await tick();
    expect((await backups()).map((b) => b.period)).toEqual(["2026-11", "2027-02"]);
    const row = await database.db
      .selectFrom("backup_schedules")
      .select("next_due_at")
      .where("account_id", "=", ctx.accountId)
      .executeTakeFirstOrThrow();
    expect(row.next_due_at).toBe("2027-03-24T00:00:00.000Z");
  });

  it("waits while another backup of the account is running, then makes the period's", async () => {
    await schedules.update(ctx, { enabled: true }); // 2026-11 queued, not finished
    clock.set(new Date("2026-12-24T08:00:00Z"));
    await tick();
    expect(await backups()).toHaveLength(1);
    await finishAll();
    await tick();
    expect((await backups()).map((b) => b.period)).toEqual(["2026-11", "2026-12"]);
  });

  it("stops making backups when disabled, and re-enabling within a month makes no second one", async () => {
    await schedules.update(ctx, { enabled: true });
    await finishAll();
    await schedules.update(ctx, { enabled: false });
    clock.set(new Date("2027-01-24T08:00:00Z"));
    await tick();
    expect(await backups()).toHaveLength(1);
    clock.set(new Date("2026-11-28T10:00:00Z"));
    await schedules.update(ctx, { enabled: true });
    expect(await backups()).toHaveLength(1);
    const audit = await database.db
      .selectFrom("audit_log")
      .select("action")
      .where("account_id", "=", ctx.accountId)
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      "backup_schedule.enabled",
      "backup_schedule.disabled",
      "backup_schedule.enabled",
    ]);
  });

  it("refuses a retention outside 1–24 months, naming the field", async () => {
    await expect(schedules.update(ctx, { retention_months: 0 })).rejects.toMatchObject({
      errors: [{ field: "retention_months" }],
    });
    await expect(
      schedules.update({ ...ctx, actor: { ...ADMIN, role: "recruiter" } }, { enabled: true }),
    ).rejects.toThrow(/owners and admins/);
  });

  it("keeps a backup for its retention, then the sweep deletes its files and expires it (4.5)", async () => {
    await database.db.deleteFrom("export_artifacts").execute();
    await database.db.deleteFrom("export_runs").execute();
    const h = await runnerHarness(database, clock.now());
    try {
      await schedules.update(ctx, { enabled: true, retention_months: 2 });
      const runner = h.runner("w1", new ProbeFormat());
      expect(await runner.runNext(new AbortController().signal)).toBe(true);
      const run = await database.db
        .selectFrom("export_runs")
        .selectAll()
        .where("account_id", "=", ctx.accountId)
        .executeTakeFirstOrThrow();
      expect(run.state).toBe("succeeded");
      expect(run.expires_at).toBe("2027-01-24T10:00:00.000Z");
      expect(await allKeys(h.blobs)).toHaveLength(1);
      const sweep = new ExpireExportsTask(database.db, h.blobs, h.clock, silent);
      h.clock.set(new Date("2027-01-24T09:59:59Z"));
      await sweep.run();
      expect(await allKeys(h.blobs)).toHaveLength(1);
      h.clock.set(new Date("2027-01-24T10:00:00Z"));
      await sweep.run();
      await sweep.run(); // idempotent
      expect(await allKeys(h.blobs)).toEqual([]);
      const after = await database.db
        .selectFrom("export_runs")
        .select("state")
        .where("id", "=", run.id)
        .executeTakeFirstOrThrow();
      expect(after.state).toBe("expired");
      const expired = await database.db
        .selectFrom("audit_log")
        .select("action")
        .where("entity_id", "=", run.id)
        .where("action", "=", "export.expired")
        .execute();
      expect(expired).toHaveLength(1);
    } finally {
      await h.cleanup();
    }
  });
});
