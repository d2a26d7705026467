/**
 * Removes an account that never became active: the account of an import that failed, or of one
 * whose process died (docs/ARCHITECTURE.md, "Import in batches"). The account is `removing`
 * throughout, so nothing reaches it and the storage sweep leaves its files to this service. Its
 * files go first (everything under `accounts/<id>/`), then its rows, child tables before parents, a
 * batch per short write transaction — so the database's writers are never held up for long, on
 * SQLite either —, then the account row itself. Each batch renews the account's lease; a removal
 * cut short (process killed, worker stopped) is finished by whoever takes the lease over once it
 * has run out, and every step is idempotent. An `active` account is never touched.
 */
import type { Kysely } from "kysely";
import { writeTransaction } from "../db/dialect.js";
import type { DB, TableName } from "../db/schema/index.js";
import { TABLE_NAMES, tableSpec } from "../db/schema/index.js";
import { type Clock, systemClock } from "../domain/clock.js";
import { AccountRemovalRepository } from "../repositories/account-removal.repository.js";
import type { BlobStore } from "../storage/blob-store.js";
import { deletePrefix } from "../storage/delete-prefix.js";

/**
 * How long an import or a removal is trusted to be alive without renewing its account's lease.
 * Both renew it with every batch they commit and every quarter of it besides, so only a process
 * that died (or was stopped) lets it run out; a worker then removes what it left.
 */
export const ACCOUNT_LEASE_MS = 10 * 60_000;

/** Rows deleted (or self-references cleared) per transaction. */
export const REMOVAL_BATCH = 1000;

/** Every account-scoped table, children before their parents (deletes never break a reference). */
const CHILDREN_FIRST: readonly TableName[] = [...TABLE_NAMES].reverse().filter((t) => t !== "accounts");

/** Columns of a table that reference the table itself (a list inside a folder). */
function selfReferences(table: TableName): string[] {
  return Object.entries(tableSpec(table).columns)
    .filter(([, c]) => c.references === table)
    .map(([name]) => name);
}

/** An account that is not active and whose lease has run out: its import or removal died. */
export interface AbandonedAccount {
  id: string;
  name: string;
  status: string;
  import_lease_expires_at: string | null;
}

/** What one removal did. */
export interface RemovalSummary {
  files: number;
  rows: number;
  /** The account row is gone (false: stopped early, or another process holds the account now). */
  removed: boolean;
}

export interface AccountRemovalOptions {
  clock?: Clock;
  leaseMs?: number;
  batchSize?: number;
}

export class AccountRemovalService {
  readonly #clock: Clock;
  readonly #leaseMs: number;
  readonly #batchSize: number;
  readonly #accounts: AccountRemovalRepository;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly blobs: BlobStore,
    opts: AccountRemovalOptions = {},
  ) {
    this.#clock = opts.clock ?? systemClock;
    this.#leaseMs = opts.leaseMs ?? ACCOUNT_LEASE_MS;
    this.#batchSize = opts.batchSize ?? REMOVAL_BATCH;
    this.#accounts = new AccountRemovalRepository(db);
  }

  /** Accounts being imported or removed whose lease ran out before now, oldest lease first. */
  async abandoned(limit = 100): Promise<AbandonedAccount[]> {
    return this.#accounts.abandoned(this.#clock.now().toISOString(), limit);
  }

  /**
   * Takes the removal of an abandoned account over: it becomes `removing` under a lease of this
   * caller. `false` when its lease is alive again (the import went on) or it is gone or active.
   * Two callers racing for it: one changes the row, the other finds the lease renewed.
   */
  async claimAbandoned(accountId: string): Promise<boolean> {
    const now = this.#clock.now();
    return this.#accounts.claimAbandoned(accountId, now.toISOString(), this.#leaseEnd(now));
  }

  /**
   * Removes what a failed import wrote, called by that import: its account becomes `removing` and
   * goes, rows and files. When the account is already gone (a worker removed it while the import
   * was paused past its lease), the files it may have copied since are removed. An account that
   * is active is left alone.
   */
  async removeFailedImport(accountId: string): Promise<RemovalSummary> {
    const now = this.#clock.now();
    if (await this.#accounts.markRemoving(accountId, this.#leaseEnd(now))) return this.remove(accountId);
    if (await this.#accounts.exists(accountId)) return { files: 0, rows: 0, removed: false };
    const files = await deletePrefix(this.blobs, `accounts/${accountId}/`);
    return { files, rows: 0, removed: true };
  }

  /**
   * Removes a `removing` account: its files, its rows a batch per transaction (each renewing the
   * lease), then its row. Stops early, leaving the rest to whoever takes the lease over, when
   * `signal` aborts or the account is no longer `removing` (another process finished it).
   */
  async remove(accountId: string, signal?: AbortSignal): Promise<RemovalSummary> {
    const summary: RemovalSummary = { files: 0, rows: 0, removed: false };
    if (!(await this.#renew(this.db, accountId))) return summary;
    summary.files = await deletePrefix(this.blobs, `accounts/${accountId}/`);
    for (const table of CHILDREN_FIRST) {
      for (const column of selfReferences(table)) {
        if (
          !(await this.#inBatches(accountId, signal, (trx) =>
            this.#clearColumn(trx, table, column, accountId),
          ))
        )
          return summary;
      }
      const done = await this.#inBatches(accountId, signal, async (trx) => {
        const n = await this.#deleteBatch(trx, table, accountId);
        summary.rows += n;
        return n;
      });
      if (!done) return summary;
    }
    summary.removed = await writeTransaction(this.db, (trx) =>
      this.#accounts.withTransaction(trx).deleteRemoving(accountId),
    );
    return summary;
  }

  /**
   * Runs `step` in one short write transaction after another until it changes no row; `false`
   * when stopped first (aborted, or the lease is no longer this account's `removing` one).
   */
  async #inBatches(
    accountId: string,
    signal: AbortSignal | undefined,
    step: (trx: Kysely<DB>) => Promise<number>,
  ): Promise<boolean> {
    for (;;) {
      if (signal?.aborted) return false;
      const changed = await writeTransaction(this.db, async (trx) => {
        if (!(await this.#renew(trx, accountId))) return -1;
        return step(trx);
      });
      if (changed < 0) return false;
      if (changed === 0) return true;
    }
  }

  /** Renews the lease of a `removing` account; `false` when it is not (or no longer) one. */
  async #renew(db: Kysely<DB>, accountId: string): Promise<boolean> {
    return this.#accounts.withTransaction(db).renew(accountId, this.#leaseEnd(this.#clock.now()));
  }

  async #deleteBatch(trx: Kysely<DB>, table: TableName, accountId: string): Promise<number> {
    return this.#accounts.withTransaction(trx).deleteBatch(table, accountId, this.#batchSize);
  }

  /** Clears a self-reference in a batch of rows, so that rows can go in any order afterwards. */
  async #clearColumn(trx: Kysely<DB>, table: TableName, column: string, accountId: string): Promise<number> {
    return this.#accounts.withTransaction(trx).clearColumnBatch(table, column, accountId, this.#batchSize);
  }

  #leaseEnd(now: Date): string {
    return new Date(now.getTime() + this.#leaseMs).toISOString();
  }
}
