import type { Kysely, Selectable } from "kysely";
import { lockSkippingLocked, writeTransaction } from "../db/dialect.js";
import type { DB, EMAIL_KINDS } from "../db/schema/index.js";
import { newId } from "../domain/ids.js";
import { activeAccountIds } from "./account.repository.js";

export type OutboxEmail = Selectable<DB["outbox_emails"]>;
export type EmailKind = (typeof EMAIL_KINDS)[number];

/** Input of {@link OutboxRepository.enqueue}. */
export interface NewOutboxEmail {
  accountId: string;
  exportRunId: string;
  kind: EmailKind;
  /** The requester: the owner or admin the email and its link are for. */
  userId: string;
  now: Date;
}

/** A row the caller holds the lease of, as claimed. */
type Claimed = Pick<OutboxEmail, "id">;

/**
 * The email outbox (`outbox_emails`). Rows are enqueued inside the transaction that publishes or
 * fails an export, so an email exists exactly when the state change committed; a unique
 * `(export_run_id, kind)` makes a retried publish or failure enqueue nothing new
 * (docs/EXPORTS.md#email, docs/EXPORTS.md#export-runs). Sending claims a row with a lease like the
 * export queue does; every later change is guarded by that lease, so a worker that stalled past it
 * cannot overwrite another's outcome.
 */
export class OutboxRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Enqueues an email in the caller's transaction `trx`; `false` when this run already has one of
   * this kind (insert … on conflict do nothing, the same on SQLite and PostgreSQL), or when the
   * recipient was deleted meanwhile (their id would break the foreign key and, with it, the
   * caller's transaction: the export's publish must not fail over an email).
   */
  async enqueue(trx: Kysely<DB>, input: NewOutboxEmail): Promise<boolean> {
    const at = input.now.toISOString();
    const user = await trx
      .selectFrom("users")
      .select("id")
      .where("account_id", "=", input.accountId)
      .where("id", "=", input.userId)
      .executeTakeFirst();
    if (!user) return false;
    const r = await trx
      .insertInto("outbox_emails")
      .values({
        id: newId(),
        account_id: input.accountId,
        kind: input.kind,
        export_run_id: input.exportRunId,
        recipient_id: input.userId,
        state: "pending",
        attempts: 0,
        next_attempt_at: at,
        lease_owner: null,
        lease_expires_at: null,
        sent_at: null,
        message_id: null,
        error: null,
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** The emails of a run (tests, support). */
  forRun(accountId: string, exportRunId: string): Promise<OutboxEmail[]> {
    return this.db
      .selectFrom("outbox_emails")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("export_run_id", "=", exportRunId)
      .orderBy("kind")
      .execute();
  }

  /**
   * Claims the next due email for `owner`: a pending one whose `next_attempt_at` has come, or one
   * left `sending` by a worker whose lease expired (it died mid-send: the email may or may not
   * have gone out, so this is where a rare duplicate comes from). An email that used all its
   * attempts that way is failed instead of claimed again.
   */
  async claimNext(
    owner: string,
    now: Date,
    leaseMs: number,
    maxAttempts: number,
  ): Promise<OutboxEmail | undefined> {
    const at = now.toISOString();
    return writeTransaction(this.db, async (trx) => {
      await trx
        .updateTable("outbox_emails")
        .set({
          state: "failed",
          lease_owner: null,
          lease_expires_at: null,
          updated_at: at,
          error: "the worker sending this email stopped responding on every attempt",
        })
        .where("state", "=", "sending")
        .where("lease_expires_at", "<", at)
        .where("attempts", ">=", maxAttempts)
        .execute();
      const pick = trx
        .selectFrom("outbox_emails")
        .select("id")
        .where((eb) =>
          eb.or([
            eb.and([eb("state", "=", "pending"), eb("next_attempt_at", "<=", at)]),
            eb.and([eb("state", "=", "sending"), eb("lease_expires_at", "<", at)]),
          ]),
        )
        // Never an email of an account being imported or removed.
        .where("account_id", "in", activeAccountIds(trx))
        .orderBy("next_attempt_at")
        .orderBy("id")
        .limit(1);
      const next = await lockSkippingLocked(trx, pick).executeTakeFirst();
      if (!next) return undefined;
      return trx
        .updateTable("outbox_emails")
        .set((eb) => ({
          state: "sending",
          attempts: eb("attempts", "+", 1),
          lease_owner: owner,
          lease_expires_at: new Date(now.getTime() + leaseMs).toISOString(),
          updated_at: at,
        }))
        .where("id", "=", next.id)
        .returningAll()
        .executeTakeFirst();
    });
  }

  /**
   * Records a sent email, with `inTransaction` (the audit entry) in the same transaction; `false`
   * when `owner` no longer holds the lease (nothing is written).
   */
  markSent(
    email: Claimed,
    owner: string,
    result: { now: Date; messageId: string },
    inTransaction?: (trx: Kysely<DB>) => Promise<void>,
  ): Promise<boolean> {
    const at = result.now.toISOString();
    return this.finish(
      email,
      owner,
      { state: "sent", sent_at: at, message_id: result.messageId, error: null, updated_at: at },
      inTransaction,
    );
  }

  /** After a transient failure: `pending` again at `retryAt`, with the error kept for support. */
  retryLater(email: Claimed, owner: string, opts: { now: Date; error: string; retryAt: Date }) {
    return this.finish(email, owner, {
      state: "pending",
      next_attempt_at: opts.retryAt.toISOString(),
      error: opts.error,
      updated_at: opts.now.toISOString(),
    });
  }

  /** Gives up for good (last attempt used, or a permanent rejection by the mail server). */
  fail(
    email: Claimed,
    owner: string,
    opts: { now: Date; error: string },
    inTransaction?: (trx: Kysely<DB>) => Promise<void>,
  ): Promise<boolean> {
    const at = opts.now.toISOString();
    return this.finish(email, owner, { state: "failed", error: opts.error, updated_at: at }, inTransaction);
  }

  /** Nothing worth sending any more (recipient gone or demoted, files expired); `reason` is kept. */
  skip(
    email: Claimed,
    owner: string,
    opts: { now: Date; reason: string },
    inTransaction?: (trx: Kysely<DB>) => Promise<void>,
  ): Promise<boolean> {
    const at = opts.now.toISOString();
    return this.finish(email, owner, { state: "skipped", error: opts.reason, updated_at: at }, inTransaction);
  }

  /** One lease-guarded update out of `sending`, plus the caller's writes, in one transaction. */
  private finish(
    email: Claimed,
    owner: string,
    set: Partial<OutboxEmail>,
    inTransaction?: (trx: Kysely<DB>) => Promise<void>,
  ): Promise<boolean> {
    return writeTransaction(this.db, async (trx) => {
      const r = await trx
        .updateTable("outbox_emails")
        .set({ ...set, lease_owner: null, lease_expires_at: null })
        .where("id", "=", email.id)
        .where("lease_owner", "=", owner)
        .where("state", "=", "sending")
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      await inTransaction?.(trx);
      return true;
    });
  }
}
