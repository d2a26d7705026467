/**
 * One batch read ahead: the next batch loads while the caller still holds this one, batches come
 * in keyset order, and a caller that stops early leaves no load running unheard.
 */
import { describe, expect, it } from "vitest";
import { batchesAhead } from "../../src/exports/batches-ahead.js";

/** Batches of `size` numbers out of 0…total-1, keyed by the last one (as text). */
function source(total: number, size: number, fail?: number) {
  const calls: (string | null)[] = [];
  const load = async (after: string | null) => {
    calls.push(after);
    const from = after === null ? 0 : Number(after) + 1;
    await new Promise((r) => setTimeout(r, 1));
    if (from === fail) throw new Error(`batch at ${from} failed`);
    return Array.from({ length: Math.max(0, Math.min(size, total - from)) }, (_, i) => from + i);
  };
  const last = (b: number[]) => (b.length === size ? String(b[b.length - 1]) : null);
  return { calls, load, last };
}

describe("batchesAhead", () => {
  it("yields every batch in order, asking for each after the last key of the one before", async () => {
    const s = source(7, 3);
    const seen: number[][] = [];
    for await (const b of batchesAhead(s.load, s.last)) seen.push(b);
    expect(seen).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(s.calls).toEqual([null, "2", "5"]);
  });

  it("asks for one more batch when the last one is exactly full, and stops at an empty one", async () => {
    const s = source(6, 3);
    const seen: number[][] = [];
    for await (const b of batchesAhead(s.load, s.last)) seen.push(b);
    expect(seen).toEqual([[0, 1, 2], [3, 4, 5], []]);
  });

  it("loads the next batch while the caller still works on this one", async () => {
    const s = source(9, 3);
    const it = batchesAhead(s.load, s.last);
    expect((await it.next()).value).toEqual([0, 1, 2]);
    // The caller has not asked for the second batch yet: it is already being loaded.
    expect(s.calls).toEqual([null, "2"]);
    await it.return(undefined);
  });

  it("a caller that stops early hears nothing of the batch read ahead failing", async () => {
    const s = source(9, 3, 3);
    for await (const b of batchesAhead(s.load, s.last)) {
      expect(b).toEqual([0, 1, 2]);
      break; // the read-ahead of [3…] rejects after this; vitest fails on an unhandled rejection
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(s.calls).toEqual([null, "2"]);
  });

  it("a failing batch the caller does reach rejects its loop", async () => {
    const s = source(9, 3, 3);
    const seen: number[][] = [];
    await expect(
      (async () => {
        for await (const b of batchesAhead(s.load, s.last)) seen.push(b);
      })(),
    ).rejects.toThrow("batch at 3 failed");
    expect(seen).toEqual([[0, 1, 2]]);
  });
});
