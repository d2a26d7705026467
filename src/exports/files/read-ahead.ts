/**
 * Bounded read-ahead over an async source: up to `depth` items are pulled early and each gets
 * `start(item)` begun (e.g. opening its file in storage), while items are still handed out one
 * at a time and in order. The source itself is pulled sequentially, so a source that issues
 * database queries never has two in flight.
 */

/** One item with what was started for it. */
export interface Ahead<T, S> {
  item: T;
  started: S;
}

/**
 * Yields `{ item, started }` in source order with up to `depth` items started ahead. When the
 * consumer stops early (break, throw), `discard` is called for every started-but-unyielded item
 * and the source is closed.
 */
export async function* readAhead<T, S>(
  source: AsyncIterable<T>,
  depth: number,
  start: (item: T) => S,
  discard: (started: S) => void,
): AsyncGenerator<Ahead<T, S>> {
  const it = source[Symbol.asyncIterator]();
  const queue: Ahead<T, S>[] = [];
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && queue.length < depth) {
        const next = await it.next();
        if (next.done) exhausted = true;
        else queue.push({ item: next.value, started: start(next.value) });
      }
      const head = queue.shift();
      if (!head) return;
      yield head;
    }
  } finally {
    for (const q of queue.splice(0)) discard(q.started);
    if (!exhausted) await it.return?.();
  }
}
