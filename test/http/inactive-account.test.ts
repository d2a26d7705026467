/**
 * Tenant isolation of an account that is not active — one `hirevault import` is still writing,
 * or one being removed: every path that reaches an account's data ignores it. The same account
 * works again once active, so each refusal is the status's doing and nothing else's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import { ScheduleBackupsTask } from "../../src/jobs/tasks/schedule-backups.task.js";
import { AccountRepository } from "../../src/repositories/account.repository.js";
import { ExportRunRepository } from "../../src/repositories/export-run.repository.js";
import { BackupScheduleService } from "../../src/services/backup-schedule.service.js";
import { DownloadLinkService } from "../../src/services/download-link.service.js";
import { ExportService } from "../../src/services/export.service.js";
import { silent } from "../jobs/helpers.js";
import { DIALECTS } from "../support/dialects.js";
import { insertFinishedExport } from "../support/export-rows.js";
import { createTestApp, type TestAccount, type TestApp } from "../support/test-app.js";
import { givePassword, postSignIn, signIn, TEST_PASSWORD } from "../web/_helpers/web-client.js";

const STATES = ["importing", "removing"] as const;
const DAY = 24 * 3600_000;

describe.each(DIALECTS)("an account that is not active (%s)", (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Runs `fn` while `account` is in `status`, then makes it active again. */
  async function whileIn<T>(account: TestAccount, status: string, fn: () => Promise<T>): Promise<T> {
    const set = (s: string) =>
      t.database.db.updateTable("accounts").set({ status: s }).where("id", "=", account.id).execute();
    await set(status);
    try {
      return await fn();
    } finally {
      await set("active");
    }
  }

  it.each(STATES)("refuses its API tokens while %s (401), accepts them when active", async (status) => {
    const read = () => t.as("admin").get("/api/v1/persons");
    const me = () => t.as("viewer").get("/api/v1/me");
    const refused = await whileIn(t.a, status, async () => [await read(), await me()]);
    for (const res of refused) {
      expect(res.statusCode, res.body).toBe(401);
      expect(res.json().detail).toMatch(/invalid, expired or revoked/);
    }
    expect((await read()).statusCode).toBe(200);
    expect((await me()).statusCode).toBe(200);
  });

  it.each(STATES)("signs nobody in, and ends no-one's session into it, while %s", async (status) => {
    const web = await signIn(t, "admin");
    const email = await givePassword(t, "owner");
    const { home, signInRes } = await whileIn(t.a, status, async () => ({
      home: await web.get("/"),
      signInRes: await postSignIn(t, { account: t.a.name, email, password: TEST_PASSWORD }),
    }));
    // The session opens nothing: the page sends the browser to sign in.
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toMatch(/^\/login/);
    expect(signInRes.statusCode).toBe(401);
    expect(signInRes.headers["set-cookie"] ?? "").not.toMatch(/hv_session=/);
    // Nothing was written into the account on the way (no sign-in audit entries).
    const audits = await t.database.db
      .selectFrom("audit_log")
      .select("action")
      .where("account_id", "=", t.a.id)
      .where("action", "=", "user.sign_in_failed")
      .execute();
    expect(audits).toEqual([]);
    const signedIn = await postSignIn(t, { account: t.a.name, email, password: TEST_PASSWORD });
    expect(signedIn.statusCode).toBe(303);
  });

  it.each(STATES)("answers its download links 404 and audits nothing while %s", async (status) => {
    const now = new Date();
    const exp = await insertFinishedExport(t.database.db, t.blobs, {
      accountId: t.a.id,
      now,
      expiresAt: new Date(now.getTime() + 14 * DAY),
      bytes: Buffer.from("zip bytes"),
      storageKey: (runId) => `accounts/${t.a.id}/exports/${runId}/1/backup`,
    });
    const links = new DownloadLinkService({ db: t.database.db, secret: t.secret });
    const link = links.mint({
      accountId: t.a.id,
      exportRunId: exp.runId,
      artifactId: exp.artifactId,
      userId: t.a.userIds.admin,
      expiresAt: new Date(now.getTime() + DAY),
    });
    const get = () => t.inject({ method: "GET", url: `/downloads/${link.token}` });
    const refused = await whileIn(t.a, status, get);
    expect(refused.statusCode).toBe(404);
    const audits = await t.database.db
      .selectFrom("audit_log")
      .select("action")
      .where("entity_id", "=", exp.runId)
      .execute();
    expect(audits).toEqual([]);
    const served = await get();
    expect(served.statusCode).toBe(200);
    expect(served.body).toBe("zip bytes");
  });

  it.each(STATES)("is not found by name or id (CLI --account, /me) while %s", async (status) => {
    const accounts = new AccountRepository(t.database.db);
    const found = await whileIn(t.b, status, async () => [
      await accounts.findByName(t.b.name),
      await accounts.findById(t.b.id),
    ]);
    expect(found).toEqual([undefined, undefined]);
    expect(await accounts.findByName(t.b.name)).toMatchObject({ id: t.b.id, status: "active" });
  });

  it.each(STATES)("gets no export run claimed and no backup scheduled while %s", async (status) => {
    const account = await new AccountRepository(t.database.db).create({ name: `jobs ${status}` });
    const ctx = { accountId: account.id, actor: { type: "system", id: null, role: "admin" } } as const;
    const clock = new FixedClock(new Date());
    const runs = new ExportRunRepository(t.database.db);
    const { run } = await new ExportService(t.database.db, clock).request(ctx, "snapshot");
    // The schedule's first backup is made at once; the next is due in a month.
    const claim = () => runs.claimNext("worker", clock.now(), 60_000, run.id);
    await new BackupScheduleService(t.database.db, clock).update(ctx, { enabled: true });
    const scheduled = () =>
      t.database.db
        .selectFrom("export_runs")
        .select("id")
        .where("account_id", "=", account.id)
        .where("trigger", "=", "schedule")
        .execute();
    await t.database.db
      .updateTable("export_runs")
      .set({ state: "succeeded", active_key: null })
      .where("account_id", "=", account.id)
      .where("trigger", "=", "schedule")
      .execute();
    clock.advance(40 * DAY);
    const tick = () => new ScheduleBackupsTask(t.database.db, clock, silent).run();
    const { claimed, made } = await whileIn({ id: account.id } as TestAccount, status, async () => {
      const claimed = await claim();
      await tick();
      return { claimed, made: (await scheduled()).length };
    });
    expect(claimed).toBeUndefined();
    expect(made).toBe(1);
    // Active again: the run is claimed, the month's backup is scheduled.
    expect(await claim()).toMatchObject({ id: run.id, state: "running" });
    await tick();
    expect((await scheduled()).length).toBe(2);
  });
});
