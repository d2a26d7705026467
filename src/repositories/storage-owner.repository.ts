import type { Kysely } from "kysely";
import type { DB } from "../db/schema/index.js";

/** What the database says about one export run, for judging the files below its prefix. */
export interface RunAttemptState {
  state: DB["export_runs"]["state"];
  attempts: number;
}

/**
 * The rows that own files in storage, asked in batches by the storage sweep
 * (`jobs/tasks/sweep-storage.task.ts`). Not scoped to one account where the question is which
 * accounts exist at all.
 */
export class StorageOwnerRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * The status of each of `ids` that has a committed `accounts` row (absent: no row). An account
   * that is not `active` is being imported or removed, and that process owns all of its files.
   */
  async accountStates(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom("accounts")
      .select(["id", "status"])
      .where("id", "in", [...ids])
      .execute();
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  /**
   * Which of `keys` an `attachments` row holds as its `storage_key`, in any account: a row that
   * names a file owns it, whichever account it is in (keys embed their account, so that is never
   * another one; not filtering on it means a mistake there could only keep a file, never lose one).
   */
  async attachmentKeys(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db
      .selectFrom("attachments")
      .select("storage_key")
      .where("storage_key", "in", [...keys])
      .execute();
    return new Set(rows.map((r) => r.storage_key));
  }

  /** Which of `keys` are queued in `pending_blob_deletions` (the erasure of deleted attachments). */
  async queuedForErasure(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db
      .selectFrom("pending_blob_deletions")
      .select("storage_key")
      .where("storage_key", "in", [...keys])
      .execute();
    return new Set(rows.map((r) => r.storage_key));
  }

  /** State and attempt number of the account's runs among `runIds` (missing: no such run). */
  async runStates(accountId: string, runIds: readonly string[]): Promise<Map<string, RunAttemptState>> {
    if (runIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom("export_runs")
      .select(["id", "state", "attempts"])
      .where("account_id", "=", accountId)
      .where("id", "in", [...runIds])
      .execute();
    return new Map(rows.map((r) => [r.id, { state: r.state, attempts: Number(r.attempts) }]));
  }

  /**
   * Storage keys of the published artifacts of the account's runs among `runIds` that are still
   * `succeeded` (an expired run's files are gone by design; its rows no longer own anything).
   */
  async publishedKeys(accountId: string, runIds: readonly string[]): Promise<Set<string>> {
    if (runIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom("export_artifacts as a")
      .innerJoin("export_runs as r", "r.id", "a.export_run_id")
      .select("a.storage_key")
      .where("a.account_id", "=", accountId)
      .where("a.export_run_id", "in", [...runIds])
      .where("r.state", "=", "succeeded")
      .execute();
    return new Set(rows.map((r) => r.storage_key));
  }
}
