import type { Kysely, Selectable } from "kysely";
import { lockSkippingLocked, writeTransaction } from "../db/dialect.js";
import type { DB } from "../db/schema/index.js";
import { newId } from "../domain/ids.js";
import type { ExportFormatId, SavedArtifact } from "../exports/export-format.js";
import { activeAccountIds } from "./account.repository.js";

export type ExportRun = Selectable<DB["export_runs"]>;
export type ExportArtifact = Selectable<DB["export_artifacts"]>;

/** States in which a run holds its account's `active_key` (one such run per account and format). */
export const ACTIVE_STATES = ["awaiting_payment", "queued", "running"] as const;

/**
 * Whether a run's files can be downloaded at `now`: it succeeded, is not revoked and has not
 * reached its expiry (the sweep may not have deleted the files yet; they are gone for users).
 */
export function filesDownloadable(
  run: Pick<ExportRun, "state" | "revoked_at" | "expires_at">,
  now: Date,
): boolean {
  return (
    run.state === "succeeded" &&
    run.revoked_at === null &&
    run.expires_at !== null &&
    Date.parse(run.expires_at) > now.getTime()
  );
}

export interface NewRun {
  accountId: string;
  format: ExportFormatId;
  trigger: "manual" | "schedule" | "cli";
  requestedById: string | null;
  /** `YYYY-MM` of a scheduled backup; unique per account and format. */
  period?: string | null;
  state?: "queued" | "awaiting_payment";
  maxAttempts: number;
}

/**
 * Export runs: the durable job rows (docs/EXPORTS.md#export-runs). Every state change is one
 * guarded UPDATE — a worker only moves a run it holds the lease of (`lease_owner`), so a worker
 * that stalled past its lease can neither publish nor fail a run another worker has taken over.
 */
export class ExportRunRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Inserts a run unless the account already has an active one of the format (or, for a period,
   * one for that period): returns `{ run, created: false }` with the existing run then. Both rules
   * are unique constraints, so concurrent requests and schedulers agree on one row.
   */
  async createOrGetActive(input: NewRun, now: Date): Promise<{ run: ExportRun; created: boolean } | null> {
    const at = now.toISOString();
    const row: ExportRun = {
      id: newId(),
      account_id: input.accountId,
      format: input.format,
      state: input.state ?? "queued",
      trigger: input.trigger,
      period: input.period ?? null,
      active_key: input.format,
      requested_by_id: input.requestedById,
      attempts: 0,
      max_attempts: input.maxAttempts,
      run_at: at,
      lease_owner: null,
      lease_expires_at: null,
      progress_done: 0,
      progress_total: null,
      snapshot_at: null,
      started_at: null,
      finished_at: null,
      expires_at: null,
      revoked_at: null,
      error: null,
      warnings: null,
      created_at: at,
      updated_at: at,
    };
    const inserted = await this.db
      .insertInto("export_runs")
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { run: row, created: true };
    const active = await this.findActive(input.accountId, input.format);
    return active ? { run: active, created: false } : null;
  }

  /**
   * Moves `awaiting_payment` runs to `queued` (runnable now) for accounts that have no pending
   * invoice left — of one account, or of all (the periodic sweep). One guarded UPDATE … WHERE NOT
   * EXISTS, so it is safe inside the invoice write's transaction and against concurrent sweeps: a
   * run is released once, and never while an invoice of its account is still pending. Static
   * because it takes the caller's connection or transaction. Returns the released runs.
   */
  static releasePaid(db: Kysely<DB>, now: Date, accountId?: string): Promise<ExportRun[]> {
    const at = now.toISOString();
    let q = db
      .updateTable("export_runs")
      .set({ state: "queued", run_at: at, updated_at: at })
      .where("state", "=", "awaiting_payment")
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("invoices")
              .select("invoices.id")
              .whereRef("invoices.account_id", "=", "export_runs.account_id")
              .where("invoices.status", "=", "pending"),
          ),
        ),
      );
    if (accountId !== undefined) q = q.where("account_id", "=", accountId);
    return q.returningAll().execute();
  }

  /** The account's runs waiting for payment (at most one per gated format). */
  awaitingPayment(accountId: string): Promise<ExportRun[]> {
    return this.db
      .selectFrom("export_runs")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("state", "=", "awaiting_payment")
      .execute();
  }

  findActive(accountId: string, format: ExportFormatId): Promise<ExportRun | undefined> {
    return this.db
      .selectFrom("export_runs")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("active_key", "=", format)
      .executeTakeFirst();
  }

  get(accountId: string, id: string): Promise<ExportRun | undefined> {
    return this.db
      .selectFrom("export_runs")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .executeTakeFirst();
  }

  /** Newest first (ids are UUIDv7, ordered by creation time), keyset-paginated on id. */
  list(
    accountId: string,
    opts: { format?: ExportFormatId; limit: number; beforeId?: string },
  ): Promise<ExportRun[]> {
    let q = this.db.selectFrom("export_runs").selectAll().where("account_id", "=", accountId);
    if (opts.format) q = q.where("format", "=", opts.format);
    if (opts.beforeId) q = q.where("id", "<", opts.beforeId);
    return q.orderBy("id", "desc").limit(opts.limit).execute();
  }

  artifacts(accountId: string, runIds: readonly string[]): Promise<ExportArtifact[]> {
    if (runIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom("export_artifacts")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("export_run_id", "in", runIds)
      .orderBy("export_run_id")
      .orderBy("part")
      .execute();
  }

  /** One artifact of a run of the account, by its id. */
  artifact(accountId: string, runId: string, id: string): Promise<ExportArtifact | undefined> {
    return this.db
      .selectFrom("export_artifacts")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("export_run_id", "=", runId)
      .where("id", "=", id)
      .executeTakeFirst();
  }

  /** Whether the account has a backup run for `period` (of any state). */
  async hasBackupFor(accountId: string, period: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("export_runs")
      .select("id")
      .where("account_id", "=", accountId)
      .where("format", "=", "backup")
      .where("period", "=", period)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Whether run `id` is running at attempt `attempt` (so that attempt's temp files are live). */
  async isRunningAttempt(id: string, attempt: number): Promise<boolean> {
    const row = await this.db
      .selectFrom("export_runs")
      .select("id")
      .where("id", "=", id)
      .where("state", "=", "running")
      .where("attempts", "=", attempt)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The artifact of a run of the account that is its `part`. */
  artifactByPart(accountId: string, runId: string, part: string): Promise<ExportArtifact | undefined> {
    return this.db
      .selectFrom("export_artifacts")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("export_run_id", "=", runId)
      .where("part", "=", part)
      .executeTakeFirst();
  }

  /**
   * Claims the next runnable run for `owner`: a queued run whose `run_at` has come, or a running
   * run whose lease expired (its worker died: crash recovery). Runs that already used all their
   * attempts are failed instead of claimed (dead letter). Only runs of active accounts.
   * `FOR UPDATE SKIP LOCKED` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite.
   */
  async claimNext(
    owner: string,
    now: Date,
    leaseMs: number,
    onlyId?: string,
    onDeadLetter?: (trx: Kysely<DB>, failed: ExportRun[]) => Promise<void>,
  ): Promise<ExportRun | undefined> {
    const at = now.toISOString();
    return writeTransaction(this.db, async (trx) => {
      const dead = await trx
        .updateTable("export_runs")
        .set({
          state: "failed",
          active_key: null,
          lease_owner: null,
          finished_at: at,
          updated_at: at,
          error: "the worker running this export stopped responding on every attempt",
        })
        .where("state", "=", "running")
        .where("lease_expires_at", "<", at)
        .where((eb) => eb("attempts", ">=", eb.ref("max_attempts")))
        .returningAll()
        .execute();
      if (dead.length) await onDeadLetter?.(trx, dead);
      let pick = trx
        .selectFrom("export_runs")
        .select("id")
        .where((eb) =>
          eb.or([
            eb.and([eb("state", "=", "queued"), eb("run_at", "<=", at)]),
            eb.and([eb("state", "=", "running"), eb("lease_expires_at", "<", at)]),
          ]),
        )
        // Never a run of an account being imported or removed.
        .where("account_id", "in", activeAccountIds(trx));
      if (onlyId) pick = pick.where("id", "=", onlyId);
      const next = await lockSkippingLocked(
        trx,
        pick.orderBy("run_at").orderBy("id").limit(1),
      ).executeTakeFirst();
      if (!next) return undefined;
      return trx
        .updateTable("export_runs")
        .set((eb) => ({
          state: "running",
          attempts: eb("attempts", "+", 1),
          lease_owner: owner,
          lease_expires_at: new Date(now.getTime() + leaseMs).toISOString(),
          started_at: eb.fn.coalesce("started_at", eb.val(at)),
          progress_done: 0,
          updated_at: at,
        }))
        .where("id", "=", next.id)
        .returningAll()
        .executeTakeFirst();
    });
  }

  /** Extends the lease and stores progress; `false` when the lease is no longer ours. */
  async heartbeat(
    id: string,
    owner: string,
    now: Date,
    leaseMs: number,
    progress: { done: number; total: number | null },
  ): Promise<boolean> {
    const r = await this.db
      .updateTable("export_runs")
      .set({
        lease_expires_at: new Date(now.getTime() + leaseMs).toISOString(),
        progress_done: progress.done,
        progress_total: progress.total,
        updated_at: now.toISOString(),
      })
      .where("id", "=", id)
      .where("lease_owner", "=", owner)
      .where("state", "=", "running")
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /**
   * Publishes a finished run: state `succeeded` and its artifact rows in one transaction, only if
   * `owner` still holds the lease. Returns `false` when it does not (nothing is written).
   */
  async complete(
    run: ExportRun,
    owner: string,
    result: {
      now: Date;
      snapshotAt: Date;
      expiresAt: Date;
      artifacts: SavedArtifact[];
      warnings: { count: number; items: unknown[] } | null;
      progress: { done: number; total: number | null };
    },
    inTransaction?: (trx: Kysely<DB>) => Promise<void>,
  ): Promise<boolean> {
    const at = result.now.toISOString();
    return writeTransaction(this.db, async (trx) => {
      const r = await trx
        .updateTable("export_runs")
        .set({
          state: "succeeded",
          active_key: null,
          lease_owner: null,
          lease_expires_at: null,
          snapshot_at: result.snapshotAt.toISOString(),
          finished_at: at,
          expires_at: result.expiresAt.toISOString(),
          error: null,
          warnings: result.warnings ? JSON.stringify(result.warnings) : null,
          progress_done: result.progress.done,
          progress_total: result.progress.total,
          updated_at: at,
        })
        .where("id", "=", run.id)
        .where("lease_owner", "=", owner)
        .where("state", "=", "running")
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      if (result.artifacts.length) {
        await trx
          .insertInto("export_artifacts")
          .values(
            result.artifacts.map((a) => ({
              id: a.id,
              account_id: run.account_id,
              export_run_id: run.id,
              part: a.part,
              file_name: a.fileName,
              content_type: a.contentType,
              storage_key: a.storageKey,
              size_bytes: a.sizeBytes,
              sha256: a.sha256,
              created_at: at,
              updated_at: at,
            })),
          )
          .execute();
      }
      await inTransaction?.(trx);
      return true;
    });
  }

  /**
   * Gives a run back after a failed attempt: `queued` again at `retryAt`, or `failed` for good when
   * `retryAt` is null. `release` (graceful shutdown) also hands back the attempt it used.
   */
  async giveBack(
    run: ExportRun,
    owner: string,
    opts: { now: Date; error: string | null; retryAt: Date | null; release?: boolean },
    inTransaction?: (trx: Kysely<DB>) => Promise<void>,
  ): Promise<boolean> {
    const at = opts.now.toISOString();
    return writeTransaction(this.db, async (trx) => {
      const q = trx.updateTable("export_runs");
      const set =
        opts.retryAt === null
          ? q.set({ state: "failed", active_key: null, finished_at: at })
          : q.set((eb) => ({
              state: "queued",
              run_at: opts.retryAt!.toISOString(),
              attempts: opts.release ? eb("attempts", "-", 1) : eb.ref("attempts"),
            }));
      const r = await set
        .set({ lease_owner: null, lease_expires_at: null, error: opts.error, updated_at: at })
        .where("id", "=", run.id)
        .where("lease_owner", "=", owner)
        .where("state", "=", "running")
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      await inTransaction?.(trx);
      return true;
    });
  }

  /** Succeeded runs whose files must go: past their expiry, or revoked. */
  dueForExpiry(now: Date, limit: number): Promise<ExportRun[]> {
    const at = now.toISOString();
    return this.db
      .selectFrom("export_runs")
      .selectAll()
      .where("state", "=", "succeeded")
      .where((eb) => eb.or([eb("expires_at", "<=", at), eb("revoked_at", "is not", null)]))
      .orderBy("expires_at")
      .limit(limit)
      .execute();
  }

  async markExpired(run: ExportRun, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable("export_runs")
      .set({ state: "expired", updated_at: now.toISOString() })
      .where("id", "=", run.id)
      .where("state", "=", "succeeded")
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Revokes a run's links now; the expiry sweep deletes its files. */
  async revoke(accountId: string, id: string, now: Date): Promise<boolean> {
    const at = now.toISOString();
    const r = await this.db
      .updateTable("export_runs")
      .set({ revoked_at: at, updated_at: at })
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .where("state", "in", ["succeeded", "expired"])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
