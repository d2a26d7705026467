/**
 * Text rules for SpreadsheetML cells and attributes (ECMA-376 Part 1, 5th ed.).
 *
 * Steps for a string cell, and why (`escapeCellText` cuts first so a huge value is never
 * scanned whole; step 1 is one-for-one, so the limits hold either way):
 * 1. {@link sanitizeXmlChars}: characters XML 1.0 §2.2 forbids (C0 controls other than
 *    TAB/LF/CR, U+FFFE, U+FFFF, unpaired surrogates) are replaced one-for-one by U+FFFD.
 *    Excel refuses ("repairs") a part containing them (exceljs #234, SheetJS #2660); a
 *    replacement keeps the length, so the limits below are counted on what Excel shows.
 * 2. {@link truncateForExcel}: Excel holds at most 32,767 UTF-16 units and 253 line feeds
 *    per cell ("Excel specifications and limits"); longer text is cut, ending with
 *    {@link TRUNCATION_MARKER} (the CSV keeps the whole value; docs/EXPORTS.md#spreadsheet-cells).
 * 3. {@link escapeCellText}: `_xHHHH_` sequences are escaped as `_x005F_xHHHH_` (ST_Xstring,
 *    §22.9.2.19: Excel would otherwise decode them into a character), then `& < > "` and CR
 *    (as `&#13;`, since XML parsers normalise a raw CR to LF — §2.11).
 */

/** Appended to a cell cut to Excel's limits; a visible hint that the CSV has the full text. */
export const TRUNCATION_MARKER = "…[truncated, see CSV]";
/** Excel: "Total number of characters that a cell can contain: 32,767" (UTF-16 units). */
export const MAX_CELL_CHARS = 32_767;
/** Excel: "Line feeds per cell: 253". */
export const MAX_CELL_LINE_FEEDS = 253;

// Unpaired surrogates are matched with look-arounds so a valid pair is never touched.
const ILLEGAL_XML =
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Cheap pre-check: any character that may need work in one of the three steps.
const MAY_NEED_WORK = /[\x00-\x08\x0B-\x1F\uD800-\uDFFF\uFFFE\uFFFF&<>"_]/;
const SPECIAL = /[&<>"\r]/g;
const XSTRING_ESCAPE = /_(x[0-9A-Fa-f]{4}_)/g;
const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\r": "&#13;",
};
const entity = (ch: string): string => ENTITIES[ch]!;

/** Replaces every XML-illegal character (see module doc) by U+FFFD; length is unchanged. */
export function sanitizeXmlChars(s: string): string {
  return s.replace(ILLEGAL_XML, "\uFFFD");
}

/** Escapes `& < > "` and CR for XML text or attribute values (input must be sanitized). */
export function escapeXml(s: string): string {
  return s.replace(SPECIAL, entity);
}

function countLineFeeds(s: string): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i !== -1; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * Cuts `s` so that, marker included, it holds ≤ 32,767 UTF-16 units and ≤ 253 line feeds;
 * returns `s` itself when it already fits. Never splits a surrogate pair.
 */
export function truncateForExcel(s: string): string {
  if (s.length <= MAX_CELL_LINE_FEEDS && s.length <= MAX_CELL_CHARS) return s;
  const tooLong = s.length > MAX_CELL_CHARS;
  const tooManyLf = countLineFeeds(s) > MAX_CELL_LINE_FEEDS;
  if (!tooLong && !tooManyLf) return s;
  let cut = MAX_CELL_CHARS - TRUNCATION_MARKER.length;
  if (tooManyLf) {
    // Keep the text before the 254th line feed (the marker has none).
    let at = -1;
    for (let n = 0; n <= MAX_CELL_LINE_FEEDS; n++) at = s.indexOf("\n", at + 1);
    cut = Math.min(cut, at);
  }
  const code = s.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return s.slice(0, cut) + TRUNCATION_MARKER;
}

/**
 * The XML text of a string cell: sanitized, truncated to Excel's limits, `_xHHHH_`-protected
 * and escaped. Fast path: most values need none of it and are returned unchanged.
 */
export function escapeCellText(s: string): string {
  if (s.length > MAX_CELL_LINE_FEEDS) s = truncateForExcel(s);
  if (!MAY_NEED_WORK.test(s)) return s;
  return escapeXml(sanitizeXmlChars(s).replace(XSTRING_ESCAPE, "_x005F_$1"));
}

/** Escapes a value for an XML attribute or a text node that is not a cell (names, titles). */
export function xmlText(s: string): string {
  return escapeXml(sanitizeXmlChars(s));
}
