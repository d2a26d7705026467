import type { Kysely } from "kysely";
import { linkBaseUrl } from "../../config/env.js";
import type { DB } from "../../db/schema/index.js";
import type { Clock } from "../../domain/clock.js";
import type { ExportFormat } from "../../exports/export-format.js";
import type { Logger } from "../../logger.js";
import { createMailer } from "../../mail/create-mailer.js";
import { isPermanentMailError, type Mailer, type SentEmail } from "../../mail/mailer.js";
import { recordAudit } from "../../repositories/audit-log.repository.js";
import { type OutboxEmail, OutboxRepository } from "../../repositories/outbox.repository.js";
import type { Runtime } from "../../runtime.js";
import { DownloadLinkService } from "../../services/download-link.service.js";
import { ExportEmailService } from "../../services/export-email.service.js";
import { SYSTEM_ACTOR } from "../../services/write-context.js";
import { errorText, retryDelayMs } from "../export-errors.js";
import type { PeriodicTask } from "../periodic-task.js";

/** Attempts per email before it is failed (a crash mid-send counts as one). */
export const MAX_EMAIL_ATTEMPTS = 5;
/** A claimed email is this worker's for this long; well above the SMTP mailer's time limits. */
const LEASE_MS = 5 * 60_000;

/** Dependencies of {@link SendEmailsTask}. */
export interface SendEmailsTaskOptions {
  db: Kysely<DB>;
  mailer: Mailer;
  /** Mints the emailed links; must run on `clock`. */
  links: DownloadLinkService;
  clock: Clock;
  logger: Logger;
  /** This worker's lease owner id. */
  owner: string;
  /** Format lookup (default: the registry); tests pass their own formats. */
  formats?: (id: string) => ExportFormat | undefined;
  /** Backoff after a transient failure (default: 30 s, 60 s, 120 s… with jitter). */
  retryDelay?: (attempt: number) => number;
}

/**
 * Drains the email outbox (docs/EXPORTS.md#the-full-data-export, docs/EXPORTS.md#email): claims a
 * due email with a lease, composes it from the current data, sends it, then records it as sent
 * (with the audit entry). Transient failures are retried with backoff; a permanent rejection or the
 * last attempt fails it.
 *
 * Delivery is at-least-once, by design: if the process dies after the server accepted the email
 * but before `sent` is committed, the lease expires and the email is sent again — at most one
 * duplicate per crash, with the same Message-ID so clients can recognise it. Once `sent` is
 * committed it is never sent again, and the outbox's unique (run, kind) key means export retries
 * never enqueue a second one. (Exactly-once would need the mail server in our transaction.)
 */
export class SendEmailsTask implements PeriodicTask {
  readonly name = "send-emails";
  readonly intervalMs = 5_000;
  private readonly outbox: OutboxRepository;
  private readonly composer: ExportEmailService;

  constructor(private readonly opts: SendEmailsTaskOptions) {
    this.outbox = new OutboxRepository(opts.db);
    this.composer = new ExportEmailService({ db: opts.db, links: opts.links, formats: opts.formats });
  }

  async run(signal?: AbortSignal): Promise<void> {
    while (!signal?.aborted) {
      const email = await this.outbox.claimNext(
        this.opts.owner,
        this.opts.clock.now(),
        LEASE_MS,
        MAX_EMAIL_ATTEMPTS,
      );
      if (!email) return;
      await this.deliver(email);
    }
  }

  private async deliver(email: OutboxEmail): Promise<void> {
    const { clock, owner, mailer } = this.opts;
    const log = this.opts.logger.child({
      emailId: email.id,
      exportRunId: email.export_run_id,
      kind: email.kind,
    });
    let sent: SentEmail;
    try {
      const composed = await this.composer.compose(email, clock.now());
      if ("skip" in composed) {
        const now = clock.now();
        await this.outbox.skip(email, owner, { now, reason: composed.skip }, (trx) =>
          this.audit(trx, email, "export.email_skipped", { reason: composed.skip }, now),
        );
        log.info({ reason: composed.skip }, "export email skipped");
        return;
      }
      sent = await mailer.send(composed.send);
    } catch (err) {
      await this.afterFailure(email, err, log);
      return;
    }
    // Sent: from here a failure is not a delivery failure. If recording it fails (or the process
    // dies), the row stays `sending` and is sent once more after the lease: the documented duplicate.
    const now = clock.now();
    const changes = { message_id: sent.messageId, transport: mailer.transport };
    const marked = await this.outbox.markSent(email, owner, { now, messageId: sent.messageId }, (trx) =>
      this.audit(trx, email, "export.email_sent", changes, now),
    );
    // The link is never logged here: over SMTP it is a bearer capability
    // (docs/EXPORTS.md#links-and-downloads).
    if (marked) log.info({ messageId: sent.messageId, transport: mailer.transport }, "export email sent");
    else log.warn("export email sent, but its lease was lost: another worker may send it again");
  }

  private async afterFailure(email: OutboxEmail, err: unknown, log: Logger): Promise<void> {
    const now = this.opts.clock.now();
    const error = errorText(err);
    if (isPermanentMailError(err) || email.attempts >= MAX_EMAIL_ATTEMPTS) {
      await this.outbox.fail(email, this.opts.owner, { now, error }, (trx) =>
        this.audit(trx, email, "export.email_failed", { error, attempts: email.attempts }, now),
      );
      log.error({ err: { message: error }, attempts: email.attempts }, "export email failed for good");
      return;
    }
    const retryAt = new Date(now.getTime() + (this.opts.retryDelay ?? retryDelayMs)(email.attempts));
    await this.outbox.retryLater(email, this.opts.owner, { now, error, retryAt });
    log.warn({ err: { message: error }, retryAt }, "export email not sent; will retry");
  }

  private audit(trx: Kysely<DB>, email: OutboxEmail, action: string, changes: object, now: Date) {
    return recordAudit(
      trx,
      { accountId: email.account_id, actor: SYSTEM_ACTOR },
      {
        action,
        entityType: "export_run",
        entityId: email.export_run_id,
        // Ids and outcomes only: never the link or its token (docs/EXPORTS.md#links-and-downloads).
        changes: { kind: email.kind, recipient_id: email.recipient_id, ...changes },
      },
      now.toISOString(),
    );
  }
}

/** The send-emails task of a process: SMTP or the `.eml` outbox, links on the public origin. */
export function createSendEmailsTask(rt: Runtime, clock: Clock, owner: string): SendEmailsTask {
  return new SendEmailsTask({
    db: rt.database.db,
    mailer: createMailer(rt.config, rt.logger),
    links: new DownloadLinkService({
      db: rt.database.db,
      secret: rt.secret,
      clock,
      publicUrl: linkBaseUrl(rt.config),
    }),
    clock,
    logger: rt.logger,
    owner,
  });
}
