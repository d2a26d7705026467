/**
 * Edits the raw text of a snapshot CSV record by record, and says on which line of the file each
 * record starts — counted here on its own, as an editor counts lines (CRLF, LF and a lone CR each
 * end one, inside quoted cells too), so the tests do not take the importer's word for it.
 */
import { ZipArchive } from "../../src/archive/zip-reader.js";

/** One record of the file: where it starts and its fields as written (quotes kept). */
export interface RawRecord {
  line: number;
  fields: string[];
}

/** The records of `text`, header first. */
export function rawRecords(text: string): RawRecord[] {
  const records: RawRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const lineEnd = c === "\n" || (c === "\r" && text[i + 1] !== "\n");
    if (quoted) {
      if (c === '"') quoted = false;
      field += c;
    } else if (c === '"') {
      quoted = true;
      field += c;
    } else if (c === ",") {
      fields.push(field);
      field = "";
    } else if (c === "\r" || c === "\n") {
      if (c === "\n" || text[i + 1] !== "\n") {
        fields.push(field);
        records.push({ line: start, fields });
        fields = [];
        field = "";
        start = line + 1;
      }
    } else field += c;
    if (lineEnd) line++;
  }
  if (field !== "" || fields.length) records.push({ line: start, fields: [...fields, field] });
  return records;
}

/** The text of `records`, as the machine dialect writes it (CRLF after each). */
export function rawText(records: readonly RawRecord[]): string {
  return records.map((r) => `${r.fields.join(",")}\r\n`).join("");
}

/** The raw cell of `column` in `record` (header = records[0]). */
export function cell(records: readonly RawRecord[], record: number, column: string): string {
  const at = records[0]!.fields.indexOf(column);
  if (at < 0) throw new Error(`no column ${column}`);
  return records[record]!.fields[at]!;
}

/** A copy of `records` with `column` of `record` set to `raw` (written as is). */
export function withCell(
  records: readonly RawRecord[],
  record: number,
  column: string,
  raw: string,
): RawRecord[] {
  const at = records[0]!.fields.indexOf(column);
  if (at < 0) throw new Error(`no column ${column}`);
  return records.map((r, i) =>
    i === record ? { ...r, fields: r.fields.map((f, k) => (k === at ? raw : f)) } : r,
  );
}

/** The line each record would start on once `records` are written out again (appended rows too). */
export function linesOf(records: readonly RawRecord[]): number[] {
  return rawRecords(rawText(records)).map((r) => r.line);
}

/** The text of every CSV of a zip, read with the project's own zip reader. */
export async function readCsvTexts(zipPath: string): Promise<Map<string, string>> {
  const zip = await ZipArchive.open(zipPath);
  try {
    const texts = new Map<string, string>();
    for (const name of zip.entries.keys())
      if (name.endsWith(".csv")) texts.set(name, await zip.readText(name, 256 << 20));
    return texts;
  } finally {
    await zip.close();
  }
}
