import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ExportContext, ExportFormat } from "../../src/exports/export-format.js";
import { PermanentExportError } from "../../src/jobs/export-errors.js";
import { SendEmailsTask } from "../../src/jobs/tasks/send-emails.task.js";
import { REDACT_PATHS, REDACTED } from "../../src/logger.js";
import { EmlFileMailer } from "../../src/mail/eml-file-mailer.js";
import type { Mailer } from "../../src/mail/mailer.js";
import { SmtpMailer } from "../../src/mail/smtp-mailer.js";
import { AccountRepository } from "../../src/repositories/account.repository.js";
import { type ExportRun, ExportRunRepository } from "../../src/repositories/export-run.repository.js";
import { OutboxRepository } from "../../src/repositories/outbox.repository.js";
import { DownloadLinkService } from "../../src/services/download-link.service.js";
import { parseMail } from "../mail/parse-mail.js";
import { type SmtpSink, startSmtpSink } from "../mail/smtp-sink.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../support/dialects.js";
import { insertUser } from "../support/factories.js";
import { type RunnerHarness, runnerHarness } from "./helpers.js";

const ORIGIN = "https://hv.example.test";
const FROM = "Hirevault <no-reply@hv.example.test>";
const LINK = /https:\/\/hv\.example\.test\/downloads\/([A-Za-z0-9_.-]+)/;
const never = new AbortController().signal;

/** A format with an emailed part (like the full export's master CSV) that can be told to fail. */
class MailedFormat implements ExportFormat {
  readonly id = "full" as const;
  readonly label = "Full data export";
  readonly mailPart = "master";
  failures: Error[] = [];

  async write(ctx: ExportContext): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    await ctx.saveArtifact(
      { part: "data", fileName: "data.zip", contentType: "application/zip" },
      Readable.from(["zip"]),
    );
    await ctx.saveArtifact(
      { part: "master", fileName: "master.csv", contentType: "text/csv" },
      Readable.from(["part,link\r\n"]),
    );
  }
}

/** A pino logger with the production redaction, writing into `lines`. */
function capturingLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: pino({ level: "trace", redact: { paths: REDACT_PATHS, censor: REDACTED } }, sink) };
}

describe.each(DIALECTS)("export emails through the outbox (%s)", (dialect) => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let h: RunnerHarness;
  let format: MailedFormat;
  let links: DownloadLinkService;
  let runs: ExportRunRepository;
  let outbox: OutboxRepository;
  let accountId: string;
  let adminId: string;
  let log: ReturnType<typeof capturingLogger>;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    sink = await startSmtpSink();
    const account = await new AccountRepository(database.db).create({
      name: "Acme Recruiting",
      timeZone: "Europe/London",
    });
    accountId = account.id;
  });
  afterAll(async () => {
    await sink.close();
    await database.drop();
  });
  beforeEach(async () => {
    // Runs and emails are claimed across accounts: every test starts with empty queues.
    await database.db.deleteFrom("outbox_emails").execute();
    await database.db.deleteFrom("export_artifacts").execute();
    await database.db.deleteFrom("export_runs").execute();
    sink.messages.length = 0;
    h = await runnerHarness(database);
    format = new MailedFormat();
    links = new DownloadLinkService({
      db: database.db,
      secret: Buffer.from("test-secret"),
      clock: h.clock,
      publicUrl: ORIGIN,
    });
    runs = new ExportRunRepository(database.db);
    outbox = new OutboxRepository(database.db);
    adminId = await insertUser(database.db, {
      accountId,
      role: "admin",
      name: "Ada admin",
      at: h.clock.now(),
    });
    log = capturingLogger();
    return () => h.cleanup();
  });

  async function request(trigger: "manual" | "schedule" | "cli" = "manual"): Promise<ExportRun> {
    const created = await runs.createOrGetActive(
      { accountId, format: "full", trigger, requestedById: adminId, maxAttempts: 5 },
      h.clock.now(),
    );
    return created!.run;
  }

  function task(mailer: Mailer = new SmtpMailer(sink.url, FROM), owner = "mailer-1"): SendEmailsTask {
    return new SendEmailsTask({
      db: database.db,
      mailer,
      links,
      clock: h.clock,
      logger: log.logger,
      owner,
      formats: () => format,
    });
  }

  async function auditActions(runId: string): Promise<string[]> {
    const rows = await database.db
      .selectFrom("audit_log")
      .select(["action", "changes"])
      .where("entity_id", "=", runId)
      .orderBy("id")
      .execute();
    return rows.map((r) => r.action);
  }

  it("emails one link to the master CSV once, across an export retry and two task runs (3.3, 3.4)", async () => {
    const run = await request();
    format.failures.push(new Error("S3 500 InternalError"));
    const runner = h.runner("w1", format);
    await runner.runNext(never);
    expect(await outbox.forRun(accountId, run.id)).toEqual([]); // a retry is not a failure
    h.clock.advance(10 * 60_000);
    await runner.runNext(never);
    const done = await runs.get(accountId, run.id);
    expect(done).toMatchObject({ state: "succeeded", attempts: 2 });

    await task().run(never);
    await task(undefined, "mailer-2").run(never); // the handler again: nothing left to send
    expect(sink.messages).toHaveLength(1);
    const [row] = await outbox.forRun(accountId, run.id);
    expect(row).toMatchObject({
      kind: "export_ready",
      state: "sent",
      attempts: 1,
      recipient_id: adminId,
      message_id: `<export-${run.id}-export_ready@hirevault>`,
      lease_owner: null,
    });

    const received = sink.messages[0]!;
    expect(received.to).toEqual([`${adminId}@example.test`]);
    const mail = parseMail(received.raw);
    expect(mail.headers.get("message-id")).toBe(`<export-${run.id}-export_ready@hirevault>`);
    expect(mail.headers.get("subject")).toBe("Full data export of Acme Recruiting is ready");
    // Published at 10:10 UTC on 24 Nov: files and link live 7 days, shown in the account's zone.
    expect(mail.text).toContain("2026-12-01 10:10 Europe/London (UTC+00:00)");
    const token = LINK.exec(mail.text)?.[1];
    expect(token).toBeDefined();
    expect(mail.html).toContain(`href="${ORIGIN}/downloads/${token}"`);
    expect(mail.text.match(new RegExp(LINK.source, "g"))).toHaveLength(1); // one link (docs/EXPORTS.md#the-full-data-export)
    const resolved = await links.resolve(token);
    expect(resolved.artifact).toMatchObject({ part: "master", export_run_id: run.id });
    expect(resolved.user.id).toBe(adminId);
    expect(resolved.claims.expiresAt.toISOString()).toBe(done!.expires_at);

    // Over SMTP the link is a bearer capability: it never reaches a log or the audit log.
    const logs = log.lines.join("\n");
    expect(logs).toContain("export email sent");
    expect(logs).not.toContain(token!);
    expect(logs).not.toContain("/downloads/");
    const audit = await database.db
      .selectFrom("audit_log")
      .select(["action", "changes"])
      .where("entity_id", "=", run.id)
      .where("action", "=", "export.email_sent")
      .execute();
    expect(audit).toHaveLength(1);
    expect(String(audit[0]!.changes)).not.toContain(token!);
    expect(JSON.parse(String(audit[0]!.changes))).toMatchObject({
      kind: "export_ready",
      recipient_id: adminId,
    });
  });

  it("enqueues once per run and kind, whatever the retries (unique key)", async () => {
    const run = await request();
    await h.runner("w1", format).runNext(never);
    const again = await database.db.transaction().execute((trx) =>
      outbox.enqueue(trx, {
        accountId,
        exportRunId: run.id,
        kind: "export_ready",
        userId: adminId,
        now: h.clock.now(),
      }),
    );
    expect(again).toBe(false);
    expect(await outbox.forRun(accountId, run.id)).toHaveLength(1);
  });

  it("sends two workers' runs of the task one email (SKIP LOCKED / BEGIN IMMEDIATE)", async () => {
    await request();
    await h.runner("w1", format).runNext(never);
    await Promise.all([task(undefined, "a").run(never), task(undefined, "b").run(never)]);
    expect(sink.messages).toHaveLength(1);
  });

  it("writes a parseable .eml to the outbox and logs the link when SMTP is not configured", async () => {
    const run = await request();
    await h.runner("w1", format).runNext(never);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "hv-outbox-"));
    try {
      await task(new EmlFileMailer(dir, FROM, log.logger)).run(never);
      const files = await fs.readdir(dir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^20261124T100000Z-[0-9a-f-]{36}\.eml$/);
      const file = path.join(dir, files[0]!);
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
      const mail = parseMail(await fs.readFile(file, "utf8"));
      expect(mail.headers.get("message-id")).toBe(`<export-${run.id}-export_ready@hirevault>`);
      expect(mail.headers.get("from")).toBe(FROM);
      expect(mail.headers.get("to")).toBe(`Ada admin <${adminId}@example.test>`);
      const url = LINK.exec(mail.text)?.[0];
      expect((await links.resolve(LINK.exec(mail.text)?.[1])).artifact.part).toBe("master");
      const written = log.lines.map((l) => JSON.parse(l)).find((l) => l.file === file);
      expect(written).toMatchObject({ to: `${adminId}@example.test`, link: url });
      expect(sink.messages).toHaveLength(0);
      expect((await outbox.forRun(accountId, run.id))[0]).toMatchObject({ state: "sent" });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("emails the reason when the export fails for good, without a link", async () => {
    const run = await request();
    format.failures.push(new PermanentExportError("the template is broken"));
    await h.runner("w1", format).runNext(never);
    expect(await runs.get(accountId, run.id)).toMatchObject({ state: "failed" });
    await task().run(never);
    expect(sink.messages).toHaveLength(1);
    const mail = parseMail(sink.messages[0]!.raw);
    expect(mail.headers.get("message-id")).toBe(`<export-${run.id}-export_failed@hirevault>`);
    expect(mail.headers.get("subject")).toBe("Full data export of Acme Recruiting failed");
    expect(mail.text).toContain("Reason: PermanentExportError: the template is broken");
    expect(mail.text).not.toContain("/downloads/");
    expect((await outbox.forRun(accountId, run.id)).map((e) => [e.kind, e.state])).toEqual([
      ["export_failed", "sent"],
    ]);
  });

  it("emails the failure when the worker died on every attempt (dead letter at the next claim)", async () => {
    const run = await request();
    await database.db.updateTable("export_runs").set({ max_attempts: 1 }).where("id", "=", run.id).execute();
    // Attempt 1 is claimed by a worker that dies (its lease is never renewed)…
    expect(await runs.claimNext("dead-worker", h.clock.now(), 60_000)).toMatchObject({ attempts: 1 });
    h.clock.advance(61_000);
    // …so the next worker's claim fails the run for good instead of running it again.
    expect(await h.runner("w2", format).runNext(never)).toBe(false);
    expect((await runs.get(accountId, run.id))!.state).toBe("failed");
    expect(await auditActions(run.id)).toContain("export.failed");
    await task().run(never);
    expect(sink.messages).toHaveLength(1);
    expect(parseMail(sink.messages[0]!.raw).text).toContain("stopped responding on every attempt");
  });

  it("skips the email when the requester is no longer an active owner or admin", async () => {
    const run = await request();
    await h.runner("w1", format).runNext(never);
    await database.db.updateTable("users").set({ status: "disabled" }).where("id", "=", adminId).execute();
    await task().run(never);
    expect(sink.messages).toHaveLength(0);
    const [row] = await outbox.forRun(accountId, run.id);
    expect(row).toMatchObject({
      state: "skipped",
      error: "the requester is no longer an active owner or admin",
    });
    expect(await auditActions(run.id)).toContain("export.email_skipped");
  });

  it("skips the email when the files were revoked before it went out", async () => {
    const run = await request();
    await h.runner("w1", format).runNext(never);
    await runs.revoke(accountId, run.id, h.clock.now());
    await task().run(never);
    expect(sink.messages).toHaveLength(0);
    expect((await outbox.forRun(accountId, run.id))[0]).toMatchObject({ state: "skipped" });
  });

  it("retries a transient SMTP rejection with backoff, then sends", async () => {
    const run = await request();
    await h.runner("w1", format).runNext(never);
    sink.rejectRcpt(451);
    await task().run(never);
    expect(sink.messages).toHaveLength(0);
    let [row] = await outbox.forRun(accountId, run.id);
    expect(row).toMatchObject({ state: "pending", attempts: 1 });
    expect(row!.error).toContain("451");
    await task().run(never); // not before its next attempt
    expect(sink.messages).toHaveLength(0);
    h.clock.set(new Date(row!.next_attempt_at));
    await task().run(never);
    expect(sink.messages).toHaveLength(1);
    [row] = await outbox.forRun(accountId, run.id);
    expect(row).toMatchObject({ state: "sent", attempts: 2, error: null });
  });

  it("fails at once on a permanent rejection, and audits it", async () => {
    const run = await request();
    await h.runner("w1", format).runNext(never);
    sink.rejectRcpt(550);
    await task().run(never);
    const [row] = await outbox.forRun(accountId, run.id);
    expect(row).toMatchObject({ state: "failed", attempts: 1 });
    expect(row!.error).toContain("550");
    expect(await auditActions(run.id)).toContain("export.email_failed");
  });

  it("after a crash between sending and recording, sends at most one duplicate (3.3)", async () => {
    const run = await request();
    await h.runner("w1", format).runNext(never);
    // A worker claims the email, the server accepts it, and the worker dies before recording it.
    const claimed = await outbox.claimNext("dead-worker", h.clock.now(), 5 * 60_000, 5);
    expect(claimed?.export_run_id).toBe(run.id);
    await task().run(never); // lease still held: nobody else sends
    expect(sink.messages).toHaveLength(0);
    sink.messages.push({ from: "", to: [], raw: "(the dead worker's delivery)" });
    h.clock.advance(5 * 60_000 + 1);
    await task().run(never);
    await task().run(never);
    expect(sink.messages).toHaveLength(2); // the original and one duplicate, no more
    expect(parseMail(sink.messages[1]!.raw).headers.get("message-id")).toBe(
      `<export-${run.id}-export_ready@hirevault>`,
    );
    expect((await outbox.forRun(accountId, run.id))[0]).toMatchObject({ state: "sent", attempts: 2 });
  });

  it("enqueues nothing for scheduled or CLI runs (nobody asked in the app)", async () => {
    for (const trigger of ["schedule", "cli"] as const) {
      const run = await request(trigger);
      await h.runner("w1", format).runNext(never);
      expect(await runs.get(accountId, run.id)).toMatchObject({ state: "succeeded" });
      expect(await outbox.forRun(accountId, run.id)).toEqual([]);
    }
  });
});
