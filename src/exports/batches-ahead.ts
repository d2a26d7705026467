/**
 * Keyset batches with one read ahead: while the caller writes batch N (CSV, sheet, zip, storage),
 * batch N+1 is already loading. On the snapshot's one connection the queries still run one at a
 * time — they queue — but the database no longer waits for the writer nor the writer for the
 * database: the report spent a quarter of its time, the full export's Data Files a third, idle
 * on that wait. Every query of a batch has completed before the batch is yielded.
 */
export async function* batchesAhead<B>(
  load: (after: string | null) => Promise<B>,
  /** The keyset position after `batch`, or null when it was the last one. */
  nextAfter: (batch: B) => string | null,
): AsyncGenerator<B> {
  let ahead: Promise<B> | null = load(null);
  try {
    while (ahead) {
      const batch: B = await ahead;
      const after = nextAfter(batch);
      ahead = after === null ? null : load(after);
      yield batch;
    }
  } finally {
    // Stopped early: the batch read ahead is not wanted, and must not fail unheard.
    ahead?.catch(() => undefined);
  }
}
