import { describe, expect, it } from "vitest";
import {
  foldKey,
  isReservedName,
  safePath,
  safeSegment,
  UniqueNames,
} from "../../../src/exports/zip/safe-entry-name.js";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");
const FORBIDDEN = /[/\\:*?"<>|\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

describe("safeSegment (docs/EXPORTS.md#zip-entry-names)", () => {
  it.each([
    ["../../etc/passwd", "_.._etc_passwd"],
    ["/abs", "_abs"],
    ["C:\\x", "C__x"],
    ["a\\b", "a_b"],
    ["..", "FB"],
    [".", "FB"],
    ["", "FB"],
    ["   \t  ", "FB"],
    ["\u200E\u202E", "FB"],
    ["CON", "_CON"],
    ["con", "_con"],
    ["nul.txt", "_nul.txt"],
    ["COM1", "_COM1"],
    ["com9.tar.gz", "_com9.tar.gz"],
    ["LPT0", "_LPT0"],
    ["CONIN$", "_CONIN$"],
    ["conout$.log", "_conout$.log"],
    ["CONSOLE", "CONSOLE"],
    ["Sales.", "Sales"],
    ["Sales ", "Sales"],
    ["  .hidden", "hidden"],
    ["a:b?", "a_b_"],
    ['""', "__"],
    ['<a|b>*"', "_a_b___"],
    ["cv\u202Efdp.exe", "cvfdp.exe"],
    ["x\u2066y\u2069z\u200F", "xyz"],
    ["tab\there\nnew", "tabherenew"],
    ["e\u0301cole", "\u00E9cole"],
    ["Anna Müller", "Anna Müller"],
  ])("%j → %j", (input, expected) => {
    expect(safeSegment(input, { fallback: "FB" })).toBe(expected);
  });

  it("uses the default or the caller's fallback, sanitized", () => {
    expect(safeSegment("")).toBe("Untitled");
    expect(safeSegment(" ", { fallback: "Untitled job opening (42)" })).toBe("Untitled job opening (42)");
    expect(safeSegment("..", { fallback: "a/b" })).toBe("a_b");
    expect(safeSegment("..", { fallback: "" })).toBe("Untitled");
  });

  it("every entry from hostile names matches ^Resumes/[^/]+/[^/]+/[^/]+$ (1.13)", () => {
    const hostile = ["../../etc/passwd", "/abs", "C:\\x", "a\\b", "..", "."];
    for (const a of hostile) {
      for (const b of hostile) {
        const p = `Resumes/${safePath([a, b, "../cv.pdf"], ["Job", "Stage", "file"])}`;
        expect(p).toMatch(/^Resumes\/[^/]+\/[^/]+\/[^/]+$/);
        expect(p.split("/")).not.toContain("..");
        expect(p).not.toContain("\\");
      }
    }
  });

  it("cuts a 1,000-char title to ≤ 255 bytes and units (1.17)", () => {
    const title = "Senior Software Engineer ".repeat(40);
    const s = safeSegment(title);
    expect(bytes(s)).toBeLessThanOrEqual(255);
    expect(s.length).toBeLessThanOrEqual(255);
    expect(s).not.toMatch(/\s$/);
    const cjk = safeSegment("履".repeat(1000));
    expect(bytes(cjk)).toBeLessThanOrEqual(255);
    expect(cjk).toBe("履".repeat(85));
  });

  it("keeps the extension and cuts emoji / ZWJ sequences only on grapheme boundaries (1.17)", () => {
    const family = "👨‍👩‍👧‍👦"; // 25 bytes, one grapheme
    const name = `${family.repeat(20)}.pdf`;
    const s = safeSegment(name);
    expect(s.endsWith(".pdf")).toBe(true);
    expect(bytes(s)).toBeLessThanOrEqual(255);
    const stem = s.slice(0, -4);
    expect(stem).toBe(family.repeat(Math.floor(251 / 25)));
    const flags = `${"🇫🇷".repeat(40)}.docx`;
    const f = safeSegment(flags);
    expect(f.endsWith(".docx")).toBe(true);
    expect(f.slice(0, -5)).toBe("🇫🇷".repeat(Math.floor((255 - 5) / 8)));
    // A single huge grapheme (base + 300 combining marks) is cut by code point, never emptied.
    const zalgo = safeSegment(`a${"\u0301".repeat(300)}`);
    expect(zalgo.startsWith("á")).toBe(true);
    expect(bytes(zalgo)).toBeLessThanOrEqual(255);
  });

  it("honours a smaller maxBytes", () => {
    const s = safeSegment("Quarterly report for the board.xlsx", { maxBytes: 20 });
    expect(s).toBe("Quarterly repor.xlsx");
    expect(bytes(s)).toBeLessThanOrEqual(20);
  });
});

describe("UniqueNames (1.15–1.16)", () => {
  it("suffixes case and NFC/NFD duplicates, stable for the same order", () => {
    const run = () => {
      const u = new UniqueNames();
      return [
        u.take("CV.pdf"),
        u.take("cv.pdf"),
        u.take("Cv.PDF"),
        u.take("caf\u00E9.txt"),
        u.take("cafe\u0301.txt"),
        u.take("resume.pdf"),
        u.take("resume.pdf"),
        u.take("resume (2).pdf"),
        u.take("README"),
        u.take("readme"),
      ];
    };
    const a = run();
    expect(a).toEqual([
      "CV.pdf",
      "cv (2).pdf",
      "Cv (3).PDF",
      "caf\u00E9.txt",
      "caf\u00E9 (2).txt",
      "resume.pdf",
      "resume (2).pdf",
      "resume (2) (2).pdf",
      "README",
      "readme (2)",
    ]);
    expect(run()).toEqual(a);
    for (const n of a) expect(n).toBe(n.normalize("NFC"));
    expect(new Set(a.map(foldKey)).size).toBe(a.length);
  });

  it("suffixed names still fit 255 bytes, keeping the extension", () => {
    const long = safeSegment(`${"é".repeat(200)}.pdf`);
    expect(bytes(long)).toBeLessThanOrEqual(255);
    const u = new UniqueNames();
    const names = Array.from({ length: 12 }, () => u.take(long));
    for (const n of names.slice(1)) {
      expect(bytes(n)).toBeLessThanOrEqual(255);
      expect(n).toMatch(/ \(\d+\)\.pdf$/);
    }
    expect(names[11]).toMatch(/ \(12\)\.pdf$/);
    expect(new Set(names).size).toBe(12);
  });
});

/** Deterministic PRNG (mulberry32) so failures are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POOLS: Array<[number, number]> = [
  [0x00, 0x7f], // ASCII incl. controls and forbidden punctuation
  [0x80, 0x24f], // C1 + Latin
  [0x300, 0x36f], // combining marks
  [0x2000, 0x206f], // spaces, bidi controls, joiners
  [0x3000, 0x30ff], // CJK punctuation, kana, U+3164-ish region
  [0xd800, 0xdfff], // lone surrogates
  [0xfe00, 0xfeff], // variation selectors, BOM
  [0x1f300, 0x1faff], // emoji
  [0xe0000, 0xe007f], // tags
];

function randomString(next: () => number): string {
  const len = Math.floor(next() ** 3 * 400);
  let s = "";
  for (let i = 0; i < len; i++) {
    const r = next();
    if (r < 0.05) s += ["CON", "nul", ".", "..", " ", ".txt", "\u200D", "/", "\\"][Math.floor(next() * 9)];
    else {
      const [lo, hi] = POOLS[Math.floor(next() * POOLS.length)]!;
      s += String.fromCodePoint(lo + Math.floor(next() * (hi - lo + 1)));
    }
  }
  return s;
}

describe("safeSegment property test (seeded random Unicode)", () => {
  it("is non-empty, NFC, ≤ 255 bytes/units, free of forbidden chars, not reserved, stable", () => {
    const next = rng(20250701);
    for (let i = 0; i < 3000; i++) {
      const input = randomString(next);
      const out = safeSegment(input);
      const ctx = JSON.stringify(input);
      expect(out.length, ctx).toBeGreaterThan(0);
      expect(out, ctx).toBe(out.normalize("NFC"));
      expect(bytes(out), ctx).toBeLessThanOrEqual(255);
      expect(out.length, ctx).toBeLessThanOrEqual(255);
      expect(FORBIDDEN.test(out), ctx).toBe(false);
      expect(out, ctx).not.toMatch(/^[\s.]|[\s.]$/u);
      expect(out, ctx).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(isReservedName(out), ctx).toBe(false);
      expect(safeSegment(input), ctx).toBe(out);
      // Idempotent: an already-safe name is left alone.
      expect(safeSegment(out), ctx).toBe(out);
    }
  });
});
