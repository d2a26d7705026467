import type { BlobStore } from "./blob-store.js";

/**
 * Deletes every blob whose key starts with `prefix` (an export run's or attempt's files).
 * Idempotent, like `delete`: a run cut short is finished by the next one. Returns how many.
 */
export async function deletePrefix(blobs: BlobStore, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const blob of blobs.list(prefix)) {
    await blobs.delete(blob.key);
    deleted++;
  }
  return deleted;
}
