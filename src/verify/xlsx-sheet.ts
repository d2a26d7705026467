/**
 * Reads a worksheet (`xl/worksheets/sheetN.xml`, ECMA-376 Part 1 §18.3) as a stream of rows, for
 * `hirevault verify` of the backup's `Candidates.xlsx`: enough of SpreadsheetML to count rows and
 * read cell text (inline strings, which is what xlsx-writer.ts writes, and plain values), not a
 * general XML parser. Only the current `<row>` is held. The sheet must end with `</worksheet>`:
 * a sheet cut short is reported, not silently counted short.
 */
import { StringDecoder } from "node:string_decoder";
import type { Consumer } from "./archive-pass.js";

/** What a sheet held. */
export interface SheetSummary {
  rows: number;
  /** `</sheetData>` and `</worksheet>` were found at the end. */
  complete: boolean;
  /** Cells referring to a shared strings table, which Hirevault never writes. */
  sharedStringCells: number;
}

/** One row: its number and its cells' text by column letters. */
export type RowHandler = (row: number, cells: ReadonlyMap<string, string>) => void;

const CELL = /<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;
const TEXT = /<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g;
const VALUE = /<v(?:\s[^>]*)?>([\s\S]*?)<\/v>/;
const ENTITY = /&(?:#(\d+)|#x([0-9A-Fa-f]+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** XML character and entity references decoded. */
export function xmlUnescape(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(ENTITY, (_, dec?: string, hex?: string, name?: string) =>
    dec
      ? String.fromCodePoint(Number(dec))
      : hex
        ? String.fromCodePoint(Number.parseInt(hex, 16))
        : NAMED[name!]!,
  );
}

/** `_xHHHH_` escapes of ST_Xstring (§22.9.2.19) decoded, `_x005F_` giving a literal `_`. */
function xstringUnescape(s: string): string {
  return s.includes("_x")
    ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    : s;
}

function attr(attrs: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1];
}

/** The cells of one `<row>…</row>`; `stats` counts shared-string cells. */
function parseCells(rowXml: string, stats: SheetSummary): Map<string, string> {
  const cells = new Map<string, string>();
  for (const m of rowXml.matchAll(CELL)) {
    const attrs = m[1] ?? "";
    const body = m[2] ?? "";
    const col = /^([A-Z]+)/.exec(attr(attrs, "r") ?? "")?.[1];
    if (!col) continue;
    const type = attr(attrs, "t");
    if (type === "s") {
      stats.sharedStringCells++;
      continue;
    }
    let text = "";
    if (type === "inlineStr") for (const t of body.matchAll(TEXT)) text += t[1] ?? "";
    else text = VALUE.exec(body)?.[1] ?? "";
    cells.set(col, xstringUnescape(xmlUnescape(text)));
  }
  return cells;
}

/** A consumer of a worksheet's bytes calling `onRow` for each row; `done` gets the summary. */
export function sheetConsumer(onRow: RowHandler, done: (summary: SheetSummary) => void): Consumer {
  return async (source) => {
    const decoder = new StringDecoder("utf8");
    const stats: SheetSummary = { rows: 0, complete: false, sharedStringCells: 0 };
    let buf = "";
    let tail = "";
    const scan = (final: boolean) => {
      let pos = 0;
      for (;;) {
        const start = buf.indexOf("<row", pos);
        if (start === -1) {
          pos = final ? buf.length : Math.max(pos, buf.length - 4); // keep a split "<ro"
          break;
        }
        const next = buf.charAt(start + 4);
        if (next !== "" && !/[\s>/]/.test(next)) {
          pos = start + 4; // <rowBreaks> and the like
          continue;
        }
        const tagEnd = buf.indexOf(">", start);
        if (tagEnd === -1) {
          pos = start;
          break;
        }
        const selfClosing = buf.charAt(tagEnd - 1) === "/";
        const end = selfClosing ? tagEnd + 1 : buf.indexOf("</row>", tagEnd);
        if (end === -1) {
          pos = start;
          break;
        }
        const close = selfClosing ? end : end + "</row>".length;
        const r = Number(attr(buf.slice(start, tagEnd), "r") ?? stats.rows + 1);
        stats.rows++;
        onRow(r, selfClosing ? new Map() : parseCells(buf.slice(tagEnd + 1, end), stats));
        pos = close;
      }
      buf = buf.slice(pos);
    };
    for await (const chunk of source) {
      const text = decoder.write(chunk);
      tail = (tail + text).slice(-256);
      buf += text;
      scan(false);
    }
    buf += decoder.end();
    scan(true);
    stats.complete = /<\/sheetData>[\s\S]*<\/worksheet>\s*$/.test(tail);
    done(stats);
  };
}
