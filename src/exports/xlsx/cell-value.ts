/**
 * Encoding of one cell (`<c>`, ECMA-376 Part 1 §18.3.1.4). Values are never formulas: no
 * `<f>` element is ever produced, so a string such as `=HYPERLINK(…)` is shown literally
 * (docs/EXPORTS.md#spreadsheet-cells). Strings are inline (`t="inlineStr"`, §18.3.1.53) rather than
 * in a shared strings table, so memory stays constant whatever the number of rows.
 */
import { escapeCellText } from "./xml.js";

/** What a cell may hold. `null`/`undefined`/`""` produce no `<c>` element (an empty cell). */
export type CellValue = string | number | boolean | bigint | Date | null | undefined;

/** Excel: 16,384 columns (XFD). */
export const MAX_COLUMNS = 16_384;
/** Excel: 1,048,576 rows per sheet. */
export const MAX_ROWS_PER_SHEET = 1_048_576;

/** `cellXfs` indices in `xl/styles.xml` (see workbook-parts.ts). */
export const STYLE_DEFAULT = 0;
export const STYLE_DATE = 1;
export const STYLE_HEADER = 2;

/** Column letters for a 0-based index: 0 → `A`, 25 → `Z`, 26 → `AA`, 16383 → `XFD`. */
export function columnLetters(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_COLUMNS) {
    throw new RangeError(`column index ${index} outside 0…${MAX_COLUMNS - 1} (A…XFD)`);
  }
  let s = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  }
  return s;
}

const MS_PER_DAY = 86_400_000;
// 1970-01-01 is serial 25569 in the 1900 date system (§18.17.4.1).
const UNIX_EPOCH_SERIAL = 25_569;

/**
 * Excel serial date (1900 system, UTC wall time) for `d`, or `null` when it cannot be one
 * (invalid date, or before 1900-01-01). Serial 60 is Excel's fictitious 1900-02-29, so
 * dates before 1900-03-01 are one day lower than the plain day count.
 */
export function excelSerial(d: Date): number | null {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) return null;
  let serial = ms / MS_PER_DAY + UNIX_EPOCH_SERIAL;
  if (serial < 61) serial -= 1;
  return serial < 1 ? null : serial;
}

// `xml:space="preserve"` (XML 1.0 §2.10) only where whitespace could be trimmed or collapsed:
// it is ~20 bytes per cell, i.e. a fifth of the XML that has to be deflated.
const NEEDS_PRESERVE = /^\s|\s$|[\t\n\r]| {2}/;

function inlineString(ref: string, style: string, text: string): string {
  const t = NEEDS_PRESERVE.test(text) ? '<t xml:space="preserve">' : "<t>";
  return `<c r="${ref}"${style} t="inlineStr"><is>${t}${escapeCellText(text)}</t></is></c>`;
}

function stringCell(ref: string, text: string): string {
  return inlineString(ref, "", text);
}

/**
 * The `<c>` element for `value` at `ref` (e.g. `B7`), or `""` for an empty cell.
 * - string → inline string, escaped and cut to Excel's limits (xml.ts);
 * - finite number → `<v>` in the shortest round-trip form; NaN/±Infinity → their text;
 * - bigint → string (a double would lose digits);
 * - boolean → `t="b"`; Date → serial number with the date style, or ISO text before 1900.
 */
export function encodeCell(ref: string, value: CellValue, style = STYLE_DEFAULT): string {
  const s = style === STYLE_DEFAULT ? "" : ` s="${style}"`;
  switch (typeof value) {
    case "string":
      if (value === "") return "";
      return inlineString(ref, s, value);
    case "number":
      if (!Number.isFinite(value)) return stringCell(ref, String(value));
      return `<c r="${ref}"${s}><v>${Object.is(value, -0) ? "0" : String(value)}</v></c>`;
    case "boolean":
      return `<c r="${ref}"${s} t="b"><v>${value ? 1 : 0}</v></c>`;
    case "bigint":
      return stringCell(ref, value.toString());
    case "object": {
      if (value === null) return "";
      if (value instanceof Date) {
        const serial = excelSerial(value);
        if (serial !== null) return `<c r="${ref}" s="${STYLE_DATE}"><v>${serial}</v></c>`;
        return Number.isNaN(value.getTime()) ? "" : stringCell(ref, value.toISOString());
      }
      return stringCell(ref, String(value));
    }
    default:
      return "";
  }
}
