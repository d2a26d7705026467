import type { Kysely, Selectable } from "kysely";
import type { DB } from "../db/schema/index.js";
import { chunks } from "./entity.repository.js";

export type PendingBlobDeletion = Selectable<DB["pending_blob_deletions"]>;

/**
 * One export attempt that may still read a queued file: the run, its attempt number and the
 * worker holding its lease. Together they name one claim: a retry, a takeover by another worker
 * or a new claim after a graceful hand-back changes at least one of them.
 */
export interface ErasureHold {
  run: string;
  attempt: number;
  owner: string;
}

/** Which queued files to look at. */
export interface PendingFilter {
  keys?: readonly string[];
  accountId?: string;
  /** Keyset: rows with a larger id only. */
  after?: string;
  limit?: number;
}

/** Queries of `pending_blob_deletions`, the queue of files of deleted records still to erase. */
export class PendingBlobDeletionRepository {
  constructor(private readonly db: Kysely<DB>) {}

  page(filter: PendingFilter): Promise<PendingBlobDeletion[]> {
    let q = this.db.selectFrom("pending_blob_deletions").selectAll();
    if (filter.keys) q = q.where("storage_key", "in", [...filter.keys]);
    if (filter.accountId !== undefined) q = q.where("account_id", "=", filter.accountId);
    if (filter.after !== undefined) q = q.where("id", ">", filter.after);
    if (filter.limit !== undefined) q = q.limit(filter.limit);
    return q.orderBy("id").execute();
  }

  byIds(ids: readonly string[]): Promise<PendingBlobDeletion[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom("pending_blob_deletions")
      .selectAll()
      .where("id", "in", [...ids])
      .orderBy("id")
      .execute();
  }

  /**
   * The export attempts of an account running now. Must be asked only after the queued rows it
   * is for were read (so after their delete committed): it then sees every claim that committed
   * before that delete (docs/EXPORTS.md, "Deleted files and running exports").
   */
  async runningExports(accountId: string): Promise<ErasureHold[]> {
    const rows = await this.db
      .selectFrom("export_runs")
      .select(["id", "attempts", "lease_owner"])
      .where("account_id", "=", accountId)
      .where("state", "=", "running")
      .orderBy("id")
      .execute();
    return rows.map((r) => ({ run: r.id, attempt: r.attempts, owner: r.lease_owner ?? "" }));
  }

  /** Records the holds of rows not looked at before; rows another process stamped keep theirs. */
  async stamp(ids: readonly string[], holds: readonly ErasureHold[], now: string): Promise<void> {
    for (const part of chunks(ids, 500)) {
      await this.db
        .updateTable("pending_blob_deletions")
        .set({ held_by: JSON.stringify(holds), updated_at: now })
        .where("id", "in", part)
        .where("held_by", "is", null)
        .execute();
    }
  }

  /** Which of `holds` still run the attempt they name (as `holdKey`s). */
  async liveHolds(holds: readonly ErasureHold[]): Promise<Set<string>> {
    const live = new Set<string>();
    const runIds = [...new Set(holds.map((h) => h.run))];
    for (const part of chunks(runIds, 500)) {
      const rows = await this.db
        .selectFrom("export_runs")
        .select(["id", "attempts", "lease_owner"])
        .where("id", "in", part)
        .where("state", "=", "running")
        .execute();
      for (const r of rows) live.add(holdKey({ run: r.id, attempt: r.attempts, owner: r.lease_owner ?? "" }));
    }
    return live;
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom("pending_blob_deletions").where("id", "=", id).execute();
  }

  async recordFailure(row: PendingBlobDeletion, error: string, now: string): Promise<void> {
    await this.db
      .updateTable("pending_blob_deletions")
      .set({ attempts: row.attempts + 1, last_error: error.slice(0, 500), updated_at: now })
      .where("id", "=", row.id)
      .execute();
  }
}

export function holdKey(h: ErasureHold): string {
  return `${h.run}\u0000${h.attempt}\u0000${h.owner}`;
}

/** The holds stored on a row (`[]`: none; null: not looked at yet). */
export function parseHolds(heldBy: string | null): ErasureHold[] | null {
  if (heldBy === null) return null;
  try {
    const parsed = JSON.parse(heldBy) as unknown;
    return Array.isArray(parsed) ? (parsed as ErasureHold[]) : [];
  } catch {
    return []; // unreadable: erasing is the side to err on
  }
}
