/**
 * Runs `fn` on every item, at most `limit` at a time, and waits for all of them to settle before
 * rejecting with the first failure: a caller that cleans up after a failure never races an
 * operation still in flight.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
  const failure = results.find((r) => r.status === "rejected");
  if (failure) throw failure.reason;
}
