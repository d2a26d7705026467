import type { Kysely } from "kysely";
import type { DB } from "../db/schema/index.js";
import type { BlobStore } from "../storage/blob-store.js";

/**
 * Erases files of deleted records. Deletes queue storage keys in `pending_blob_deletions` inside
 * their transaction; this runs after commit and again from the worker's sweep, so a crash between
 * the two never leaves a deleted candidate's CV behind (RELIABILITY 4.1).
 */
export class BlobErasureService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly blobs: BlobStore,
  ) {}

  /** Erases queued files (all, or only the given keys); returns how many were erased. */
  async eraseQueued(opts: { keys?: readonly string[]; limit?: number } = {}): Promise<number> {
    let q = this.db
      .selectFrom("pending_blob_deletions")
      .selectAll()
      .orderBy("id")
      .limit(opts.limit ?? 1000);
    if (opts.keys) {
      if (opts.keys.length === 0) return 0;
      q = q.where("storage_key", "in", [...opts.keys]);
    }
    let erased = 0;
    for (const row of await q.execute()) {
      try {
        await this.blobs.delete(row.storage_key);
        await this.db.deleteFrom("pending_blob_deletions").where("id", "=", row.id).execute();
        erased++;
      } catch (err) {
        await this.db
          .updateTable("pending_blob_deletions")
          .set({
            attempts: row.attempts + 1,
            last_error: String((err as Error).message ?? err).slice(0, 500),
            updated_at: new Date().toISOString(),
          })
          .where("id", "=", row.id)
          .execute();
      }
    }
    return erased;
  }
}
