import crypto from "node:crypto";
import type { Kysely } from "kysely";
import { type DB, type Row, TABLE_NAMES, type TableName } from "../db/schema/index.js";
import { insertRows } from "../repositories/bulk-insert.js";
import type { BlobStore } from "../storage/blob-store.js";

/**
 * A file still to be written. Its bytes are made twice (once to hash, once to write) rather than
 * kept: with `padBytes` a batch of files could otherwise hold hundreds of megabytes.
 */
export interface PendingBlob {
  row: Row<"attachments">;
  make: () => Buffer;
}

/** How many blobs are written at once: enough to hide storage latency, few enough to bound memory. */
export const BLOB_CONCURRENCY = 8;

/** Lets I/O callbacks run: better-sqlite3 is synchronous, so without it blob writes would stall. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Rows (and files) of one unit of work: a phase of the reference data or one batch of
 * candidates. Flushing hashes the files (size and SHA-256 from the real bytes go into the rows),
 * then writes the files while it inserts every row in one transaction, table by table in
 * dependency order, so foreign keys hold at every statement. Writing files and rows at the same
 * time hides the storage latency (fsync per file) behind the database work.
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
    for (const job of pending) {
      const bytes = job.make();
      job.row.size_bytes = bytes.length;
      job.row.sha256 = crypto.createHash("sha256").update(bytes).digest("hex");
    }
    const inserted: Record<string, number> = {};
    const results = await Promise.allSettled([
      writeBlobs(blobs, pending),
      db.transaction().execute(async (trx) => {
        for (const table of TABLE_NAMES) {
          const list = rows.get(table);
          if (!list || list.length === 0) continue;
          await insertRows(trx, table, list);
          inserted[table] = list.length;
          await yieldToIo();
        }
      }),
    ]);
    for (const r of results) if (r.status === "rejected") throw r.reason;
    for (const [table, n] of Object.entries(inserted)) counts[table] = (counts[table] ?? 0) + n;
  }
}

/** Writes files with at most {@link BLOB_CONCURRENCY} in flight. */
async function writeBlobs(blobs: BlobStore, pending: PendingBlob[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < pending.length) {
      const job = pending[next++]!;
      await blobs.put(job.row.storage_key, job.make(), { contentType: job.row.content_type });
    }
  };
  await Promise.all(Array.from({ length: Math.min(BLOB_CONCURRENCY, pending.length) }, worker));
}
