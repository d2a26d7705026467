import { base, integer, oneOf, ref, stamps, text, timestamp } from "./columns.js";
import type { TableSpec } from "./table-spec.js";

/** What an outbox email announces; the template and the link follow from it. */
export const EMAIL_KINDS = ["export_ready", "export_failed"] as const;

/**
 * States of an outbox email: `pending` → `sending` (claimed with a lease) → `sent`, back to
 * `pending` after a transient failure, `failed` after the last attempt or a permanent rejection,
 * `skipped` when there is nothing left worth sending (recipient gone, files expired).
 */
export const OUTBOX_STATES = ["pending", "sending", "sent", "skipped", "failed"] as const;

/**
 * The transactional outbox (Chris Richardson's pattern; graphile-worker splits emails out of the
 * job that causes them): a row is written in the same transaction as the export's state change
 * and sent afterwards by a worker task. It holds no secret and no rendered link — the link is
 * minted at send time from the run, so a leaked row grants nothing.
 */
export const outboxTables = {
  outbox_emails: {
    entity: "outbox_email",
    columns: {
      ...base,
      kind: oneOf(EMAIL_KINDS),
      export_run_id: ref("export_runs", "cascade"),
      recipient_id: ref("users", "set null", {
        nullable: true,
        description: "the owner or admin who requested the export; null once that user is deleted",
      }),
      state: oneOf(OUTBOX_STATES),
      attempts: integer(),
      next_attempt_at: timestamp({ description: "not before: backoff of the next attempt" }),
      lease_owner: text({ nullable: true }),
      lease_expires_at: timestamp({ nullable: true }),
      sent_at: timestamp({ nullable: true }),
      message_id: text({ nullable: true, description: "the Message-ID header of the sent email" }),
      error: text({ nullable: true, description: "why the last attempt failed, or why it was skipped" }),
      ...stamps,
    },
    // One email of each kind per run, whatever the retries of the export or the task
    // (docs/EXPORTS.md#email).
    unique: [["export_run_id", "kind"]],
    indexes: [["state", "next_attempt_at"]],
    export: {
      excluded:
        "email delivery bookkeeping of export runs, not recruiting data: a restored account starts with none",
    },
  },
} as const satisfies Record<string, TableSpec>;
