import type { Kysely } from "kysely";
import type { DB } from "../db/schema/index.js";
import { type Clock, systemClock } from "../domain/clock.js";
import { chunks } from "../repositories/entity.repository.js";
import {
  holdKey,
  type PendingBlobDeletion,
  PendingBlobDeletionRepository,
  parseHolds,
} from "../repositories/pending-blob-deletion.repository.js";
import type { BlobStore } from "../storage/blob-store.js";

/** Queued files looked at per query. */
const PAGE_SIZE = 500;

/**
 * Erases files of deleted records. Deletes queue storage keys in `pending_blob_deletions` inside
 * their transaction; this runs after commit, again from the worker's sweep and when an export
 * ends, so a crash between the two never leaves a deleted candidate's CV behind
 * (docs/EXPORTS.md#deleted-files-and-running-exports).
 *
 * A file is not erased while an export that may still read it runs (docs/EXPORTS.md, "Deleted
 * files and running exports"): the first time a queued file is looked at — necessarily after its
 * delete committed — the export attempts of its account running at that moment are stored with it
 * (`held_by`), and the file is erased once none of them still runs that attempt. Every export
 * whose read snapshot predates the delete was claimed before the delete committed (a run is
 * claimed, and that committed, before its snapshot is opened), so it is among them; exports
 * claimed later never hold the file, so the wait ends with the exports already running.
 */
export class BlobErasureService {
  private readonly pending: PendingBlobDeletionRepository;

  constructor(
    db: Kysely<DB>,
    private readonly blobs: BlobStore,
    private readonly clock: Clock = systemClock,
  ) {
    this.pending = new PendingBlobDeletionRepository(db);
  }

  /**
   * Erases the queued files (all, only the given keys, or only one account's) that no running
   * export holds; returns how many were erased. Held files stay queued for a later call.
   */
  async eraseQueued(opts: { keys?: readonly string[]; accountId?: string } = {}): Promise<number> {
    let erased = 0;
    if (opts.keys) {
      for (const keys of chunks([...new Set(opts.keys)], PAGE_SIZE)) {
        const rows = await this.pending.page({ keys, accountId: opts.accountId });
        erased += await this.erase(rows);
      }
      return erased;
    }
    let after: string | undefined;
    for (;;) {
      const rows = await this.pending.page({ accountId: opts.accountId, after, limit: PAGE_SIZE });
      erased += await this.erase(rows);
      if (rows.length < PAGE_SIZE) return erased;
      after = rows[rows.length - 1]!.id;
    }
  }

  private async erase(page: PendingBlobDeletion[]): Promise<number> {
    const rows = await this.stampHolds(page);
    const live = await this.pending.liveHolds(rows.flatMap((r) => parseHolds(r.held_by) ?? []));
    let erased = 0;
    for (const row of rows) {
      const holds = parseHolds(row.held_by) ?? [];
      if (holds.some((h) => live.has(holdKey(h)))) continue; // an export may still read it
      try {
        await this.blobs.delete(row.storage_key);
        await this.pending.remove(row.id);
        erased++;
      } catch (err) {
        await this.pending.recordFailure(row, String((err as Error).message ?? err), this.now());
      }
    }
    return erased;
  }

  /**
   * Stores, on rows not looked at before, the export attempts of their account running now; the
   * rows are read again, since another process may have stamped them first (either set is right:
   * both were taken after the delete committed).
   */
  private async stampHolds(page: PendingBlobDeletion[]): Promise<PendingBlobDeletion[]> {
    const fresh = page.filter((r) => r.held_by === null);
    if (fresh.length === 0) return page;
    const byAccount = new Map<string, string[]>();
    for (const r of fresh) byAccount.set(r.account_id, [...(byAccount.get(r.account_id) ?? []), r.id]);
    for (const [accountId, ids] of byAccount) {
      await this.pending.stamp(ids, await this.pending.runningExports(accountId), this.now());
    }
    return this.pending.byIds(page.map((r) => r.id));
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
