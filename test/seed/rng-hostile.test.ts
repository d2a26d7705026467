import { describe, expect, it } from "vitest";
import {
  ALL_HOSTILE_STRINGS,
  HOSTILE_FILE_NAMES,
  HOSTILE_JOB_TITLES,
  LINE_FEED_NOTE,
  LONG_JOB_TITLE,
  LONG_NOTE,
  NFC_E,
  NFD_E,
} from "../../src/seed/hostile.js";
import { Rng } from "../../src/seed/rng.js";

describe("Rng", () => {
  it("gives the same sequence for a seed on every machine (pinned values)", () => {
    const r = new Rng("hirevault");
    expect([r.next(), r.next(), r.next()]).toEqual([925781957, 4010507898, 1090419156]);
    expect(r.int(1, 6)).toBe(6);
    expect(Buffer.from(r.bytes(5)).toString("hex")).toBe("c1215879f7");
  });

  it("differs between seeds and stays in bounds", () => {
    expect(new Rng("a").next()).not.toBe(new Rng("b").next());
    const r = new Rng("bounds");
    for (let i = 0; i < 10_000; i++) {
      const v = r.int(-3, 3);
      expect(v >= -3 && v <= 3 && Number.isInteger(v)).toBe(true);
      const f = r.float();
      expect(f >= 0 && f < 1).toBe(true);
    }
    expect(r.sample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4).length).toBe(4);
    expect(
      new Set(
        r.sample(
          Array.from({ length: 100 }, (_, i) => i),
          20,
        ),
      ).size,
    ).toBe(20);
    expect(r.shuffle([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
    const d = r.dayBetween(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 31));
    expect(d >= "2024-01-01" && d <= "2024-01-31").toBe(true);
  });
});

describe("hostile values", () => {
  it("never hold NUL or lone surrogates (PostgreSQL cannot store them)", () => {
    for (const s of ALL_HOSTILE_STRINGS) {
      expect(s.includes("\u0000")).toBe(false);
      expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)).toBe(false);
    }
  });

  it("cover Excel's limits, NFC/NFD and case collisions", () => {
    expect(LONG_NOTE.length).toBe(40_000);
    expect(LINE_FEED_NOTE.split("\n").length - 1).toBe(300);
    expect(LONG_JOB_TITLE.length).toBe(300);
    expect(HOSTILE_JOB_TITLES).toContain(LONG_JOB_TITLE);
    expect(NFC_E).not.toBe(NFD_E);
    expect(NFC_E).toBe(NFD_E.normalize("NFC"));
    expect(HOSTILE_FILE_NAMES.slice(0, 4)).toEqual(["resume.pdf", "resume.pdf", "CV.pdf", "cv.pdf"]);
  });
});
