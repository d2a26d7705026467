import { type BlobStore, MAX_DELETE_BATCH } from "./blob-store.js";

/**
 * Deletes every blob whose key starts with `prefix` (an export run's or attempt's files, the files
 * of an import that failed). Reads with `scan`, a page or a few folder entries at a time, and
 * deletes `batchSize` keys at once with `deleteMany` (one DeleteObjects request on S3), so memory
 * stays flat however many files there are. Idempotent, like `delete`: a run cut short is finished
 * by the next one. Returns how many.
 */
export async function deletePrefix(
  blobs: BlobStore,
  prefix: string,
  batchSize: number = MAX_DELETE_BATCH,
): Promise<number> {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_DELETE_BATCH)
    throw new RangeError(`batchSize must be an integer from 1 to ${MAX_DELETE_BATCH}`);
  let deleted = 0;
  let batch: string[] = [];
  const flush = async () => {
    await blobs.deleteMany(batch);
    deleted += batch.length;
    batch = [];
  };
  // Deleting what the scan gave while it goes on is safe: it still gives each blob that stays once.
  for await (const blob of blobs.scan(prefix)) {
    batch.push(blob.key);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length) await flush();
  return deleted;
}
