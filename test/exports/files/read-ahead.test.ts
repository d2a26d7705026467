/** The backup's bounded read-ahead: order kept, depth bounded, source pulled one at a time. */
import { describe, expect, it } from "vitest";
import { readAhead } from "../../../src/exports/files/read-ahead.js";

function source(n: number, log: string[]) {
  let active = 0;
  return (async function* () {
    try {
      for (let i = 0; i < n; i++) {
        active++;
        expect(active).toBe(1); // never two pulls at once (a DB query at a time)
        await new Promise((r) => setImmediate(r));
        active--;
        log.push(`pull ${i}`);
        yield i;
      }
    } finally {
      log.push("source closed");
    }
  })();
}

describe("readAhead", () => {
  it("yields every item in order with at most `depth` started ahead", async () => {
    const log: string[] = [];
    const started: number[] = [];
    const seen: number[] = [];
    for await (const { item, started: s } of readAhead(
      source(10, log),
      3,
      (i) => {
        started.push(i);
        return i * 10;
      },
      () => {},
    )) {
      expect(s).toBe(item * 10);
      expect(started.length - seen.length).toBeLessThanOrEqual(3);
      seen.push(item);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(log.at(-1)).toBe("source closed");
  });

  it("discards what was started but not handed out, and closes the source, on early exit", async () => {
    const log: string[] = [];
    const discarded: number[] = [];
    await expect(async () => {
      for await (const { item } of readAhead(
        source(100, log),
        4,
        (i) => i,
        (i) => discarded.push(i),
      )) {
        if (item === 5) throw new Error("stop");
      }
    }).rejects.toThrow("stop");
    expect(discarded).toEqual([6, 7, 8]);
    expect(log.at(-1)).toBe("source closed");
    expect(log.filter((l) => l.startsWith("pull"))).toHaveLength(9);
  });

  it("handles an empty source", async () => {
    const out: unknown[] = [];
    for await (const x of readAhead(
      source(0, []),
      8,
      (i) => i,
      () => {},
    ))
      out.push(x);
    expect(out).toEqual([]);
  });
});
