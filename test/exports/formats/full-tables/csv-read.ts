/**
 * Reading back what a Data Files table wrote: the table streamed through the real CSV writer into
 * a file, then parsed by a strict RFC 4180 parser (and, for cross-checking, Python's csv module).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { HUMAN_CSV, unescapeFormula } from "../../../../src/exports/csv/csv-dialect.js";
import { csvStream } from "../../../../src/exports/csv/csv-writer.js";
import type { CsvTable, CsvTableSource } from "../../../../src/exports/formats/full/tables/index.js";
import type { BatchedSource } from "../../../../src/exports/formats/full/tables/keyset.js";

/** A table as written and parsed back; cells are formula-unescaped (one leading `'` stripped). */
export interface ReadTable {
  file: string;
  bytes: Buffer;
  header: string[];
  /** Data rows as written (escaped). */
  raw: string[][];
  /** Data rows keyed by header, values unescaped: what an importer gets back. */
  records: Record<string, string>[];
  /** Records by their first column (the row's id). */
  byId: Map<string, Record<string, string>>;
}

/**
 * Strict RFC 4180: fields quoted or bare, `""` inside quotes, every record (the last included)
 * ended by CRLF; a bare quote, or a CR or LF outside quotes not part of a CRLF, throws.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  const special = /[",\r\n]/g;
  let i = 0;
  while (i < text.length) {
    const row: string[] = [];
    for (;;) {
      let field = "";
      if (text[i] === '"') {
        for (i++; ; ) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new Error("unterminated quoted field");
          field += text.slice(i, q);
          i = q + 1;
          if (text[i] !== '"') break;
          field += '"';
          i++;
        }
      } else {
        special.lastIndex = i;
        const end = special.exec(text)?.index ?? text.length;
        field = text.slice(i, end);
        i = end;
        if (text[i] === '"') throw new Error(`bare quote at ${i}`);
      }
      row.push(field);
      if (text[i] === ",") i++;
      else if (text.startsWith("\r\n", i)) {
        i += 2;
        break;
      } else throw new Error(`record not ended by CRLF at ${i}`);
    }
    rows.push(row);
  }
  return rows;
}

/** Parses a file with Python's csv module (BOM stripped by `utf-8-sig`). */
export function pythonParse(file: string): string[][] {
  const script = [
    "import csv, json, sys",
    "with open(sys.argv[1], encoding='utf-8-sig', newline='') as f:",
    "    print(json.dumps(list(csv.reader(f, strict=True))))",
  ].join("\n");
  return JSON.parse(execFileSync("python3", ["-c", script, file], { maxBuffer: 256 << 20 }).toString());
}

/** Streams `table` with the human dialect into a temp file and reads it back. */
export async function writeTable(
  table: CsvTable,
  source: CsvTableSource | BatchedSource,
): Promise<ReadTable & { path: string }> {
  const opened = await table.open(source);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hv-full-tables-"));
  const file = path.join(dir, table.file);
  await pipeline(csvStream(opened.header, opened.rows, HUMAN_CSV), fs.createWriteStream(file));
  const bytes = fs.readFileSync(file);
  const [header, ...raw] = parseCsv(bytes.subarray(3).toString("utf8"));
  const records = raw.map((r) => Object.fromEntries(header!.map((h, i) => [h, unescapeFormula(r[i] ?? "")])));
  const byId = new Map(records.map((r) => [r[header![0]!]!, r]));
  return { file: table.file, path: file, bytes, header: header!, raw, records, byId };
}

/** The cell an importer gets for a stored value: null/undefined as empty, booleans Yes/No. */
export function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  return String(value);
}
