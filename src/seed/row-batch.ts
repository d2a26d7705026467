import crypto from "node:crypto";
import type { Kysely } from "kysely";
import { type DB, type Row, TABLE_NAMES, type TableName } from "../db/schema/index.js";
import { insertRows } from "../repositories/bulk-insert.js";
import type { BlobStore } from "../storage/blob-store.js";

/** A file still to be written: its bytes are made only when written, so a batch never holds them all. */
export interface PendingBlob {
  row: Row<"attachments">;
  make: () => Buffer;
}

/** How many blobs are written at once: enough to hide storage latency, few enough to bound memory. */
export const BLOB_CONCURRENCY = 8;

/**
 * Rows (and files) of one unit of work: a phase of the reference data or one batch of
 * candidates. Flushing writes the files first (filling in size and SHA-256 from the real bytes),
 * then inserts every row in one transaction, table by table in dependency order, so foreign keys
 * hold at every statement.
 */
export class RowBatch {
  #rows = new Map<TableName, Row<TableName>[]>();
  #blobs: PendingBlob[] = [];
  #size = 0;

  /** Number of rows waiting. */
  get size(): number {
    return this.#size;
  }

  add<T extends TableName>(table: T, row: Row<T>): void {
    let list = this.#rows.get(table);
    if (!list) {
      list = [];
      this.#rows.set(table, list);
    }
    list.push(row);
    this.#size++;
  }

  /** Queues a file for an attachment row that was (or will be) added to this batch. */
  addBlob(blob: PendingBlob): void {
    this.#blobs.push(blob);
  }

  /** Writes the files, inserts the rows, adds them to `counts` and empties the batch. */
  async flush(db: Kysely<DB>, blobs: BlobStore, counts: Record<string, number>): Promise<void> {
    const rows = this.#rows;
    const pending = this.#blobs;
    this.#rows = new Map();
    this.#blobs = [];
    this.#size = 0;
    await writeBlobs(blobs, pending);
    await db.transaction().execute(async (trx) => {
      for (const table of TABLE_NAMES) {
        const list = rows.get(table);
        if (!list || list.length === 0) continue;
        await insertRows(trx, table, list);
        counts[table] = (counts[table] ?? 0) + list.length;
      }
    });
  }
}

/** Writes files with at most {@link BLOB_CONCURRENCY} in flight, recording size and SHA-256. */
async function writeBlobs(blobs: BlobStore, pending: PendingBlob[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < pending.length) {
      const job = pending[next++]!;
      const bytes = job.make();
      job.row.size_bytes = bytes.length;
      job.row.sha256 = crypto.createHash("sha256").update(bytes).digest("hex");
      await blobs.put(job.row.storage_key, bytes, { contentType: job.row.content_type });
    }
  };
  await Promise.all(Array.from({ length: Math.min(BLOB_CONCURRENCY, pending.length) }, worker));
}
