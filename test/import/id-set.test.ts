import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { newId } from "../../src/domain/ids.js";
import { IdSet } from "../../src/import/id-set.js";

describe("IdSet", () => {
  it("holds exactly the ids added, through many growths, like a Set of their text", () => {
    const ids = new IdSet(4);
    const reference = new Set<string>();
    const added = [
      "00000000-0000-0000-0000-000000000000",
      "ffffffff-ffff-ffff-ffff-ffffffffffff",
      ...Array.from({ length: 30_000 }, () => newId()), // one time prefix for many: neighbours
      ...Array.from({ length: 30_000 }, () => crypto.randomUUID()),
    ];
    const wrong: string[] = [];
    for (const id of added) {
      if (ids.add(id) === reference.has(id)) wrong.push(id);
      reference.add(id);
    }
    expect(wrong).toEqual([]);
    expect(ids.size).toBe(reference.size);
    expect(added.filter((id) => ids.add(id))).toEqual([]);
    expect(added.every((id) => ids.has(id))).toBe(true);
    // Ids one bit away from a member are not members.
    const near = added.slice(0, 2_000).map((id) => {
      const last = Number.parseInt(id.at(-1)!, 16) ^ 1;
      return id.slice(0, -1) + last.toString(16);
    });
    expect(near.filter((id) => ids.has(id) !== reference.has(id))).toEqual([]);
    expect(ids.bytes).toBeLessThan(ids.size * 46);
  });
});
