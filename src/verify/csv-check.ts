/**
 * Checks one CSV of an export while it is read (docs/EXPORTS.md#names-and-cells): RFC 4180 syntax
 * (csv-reader.ts), the dialect's byte-level rules — a UTF-8 BOM for the human-facing CSVs of the
 * full export and none for the snapshot's machine CSVs; every record ends with CRLF — the header,
 * the same number of fields in every record, and the number of records (the manifest's row count).
 * Only the current record is held; `onRecord` sees each data record as it passes.
 */
import { readCsvRecords } from "../exports/csv/csv-reader.js";
import type { Consumer } from "./archive-pass.js";
import { count } from "./checks.js";

/** What a CSV must look like. */
export interface CsvExpectation {
  /** Starts with a UTF-8 BOM (human dialect) or must not (machine dialect). */
  bom: boolean;
  /** The exact header, when known. */
  header?: readonly string[];
  /** Each data record, with the header (first record) for column lookups. */
  onRecord?(fields: string[], header: readonly string[]): void;
}

/** What was found. `problems` are in words, each naming a line where it helps. */
export interface CsvSummary {
  header: string[];
  /** Data records (the header is not one). */
  rows: number;
  problems: string[];
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** A consumer that parses the bytes and hands the summary to `done` at the end. */
export function csvConsumer(expect: CsvExpectation, done: (summary: CsvSummary) => void): Consumer {
  return async (source) => {
    const problems: string[] = [];
    const lines = lineEndings();
    let header: string[] | null = null;
    let rows = 0;
    let widthProblems = 0;
    async function* inspected(): AsyncGenerator<Buffer> {
      for await (const chunk of source) {
        lines.feed(chunk);
        yield chunk;
      }
    }
    for await (const record of readCsvRecords(inspected())) {
      if (header === null) {
        header = record.fields;
        continue;
      }
      rows++;
      if (record.fields.length !== header.length && widthProblems++ === 0)
        problems.push(
          `line ${record.line} has ${count(record.fields.length, "field")}, the header ${header.length}`,
        );
      expect.onRecord?.(record.fields, header);
    }
    if (widthProblems > 1) {
      const more = widthProblems - 1;
      problems.push(
        `${count(more, "more record")} ${more === 1 ? "has" : "have"} the wrong number of fields`,
      );
    }
    const found = lines.result();
    if (found.bom !== expect.bom)
      problems.push(expect.bom ? "no UTF-8 byte order mark at the start" : "starts with a byte order mark");
    if (found.bareBreak !== null) problems.push(`line ${found.bareBreak} does not end with CRLF`);
    if (header === null) problems.push("empty: no header line");
    else if (expect.header && !sameList(header, expect.header))
      problems.push(`header ${describeDiff(header, expect.header)}`);
    done({ header: header ?? [], rows, problems });
  };
}

/**
 * Line endings outside quoted fields, at byte level (UTF-8 never uses 0x0A, 0x0D or 0x22 inside
 * a multi-byte character): every LF follows a CR, every CR precedes an LF, the file ends with
 * CRLF. A doubled quote toggles twice, so quote parity tells whether a byte is quoted.
 */
function lineEndings() {
  let offset = 0;
  let bomBytes = 0;
  let quoted = false;
  let prev = -1;
  let line = 1;
  let bareBreak: number | null = null;
  return {
    feed(chunk: Buffer) {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (offset + i < 3 && b === UTF8_BOM[offset + i] && bomBytes === offset + i) bomBytes++;
        // A CR not followed by LF (the quote state is still the CR's: a CR never toggles it).
        if (prev === 0x0d && b !== 0x0a && !quoted && bareBreak === null) bareBreak = line;
        if (b === 0x22) quoted = !quoted;
        else if (b === 0x0a) {
          if (!quoted && prev !== 0x0d && bareBreak === null) bareBreak = line;
          line++;
        }
        prev = b;
      }
      offset += chunk.length;
    },
    result() {
      const end = offset === 0 || prev === 0x0a ? bareBreak : (bareBreak ?? line);
      return { bom: bomBytes === 3, bareBreak: end };
    },
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** `differs from the layout's at column 3: "x" where "y" is expected` and similar. */
function describeDiff(found: readonly string[], expected: readonly string[]): string {
  const i = found.findIndex((v, k) => v !== expected[k]);
  if (i === -1 || i >= expected.length)
    return `has ${found.length} columns, ${expected.length} expected (${expected.join(", ")})`;
  return `column ${i + 1} is "${found[i]}" where "${expected[i]}" is expected`;
}
