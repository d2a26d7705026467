/**
 * The two streaming readers behind `hirevault verify`: the CSV check
 * (docs/EXPORTS.md#names-and-cells dialect rules at byte level, record counts, header) and the
 * worksheet row scanner (rows split across chunks, escapes, a sheet cut short).
 */
import { describe, expect, it } from "vitest";
import { Checks } from "../../src/verify/checks.js";
import { type CsvExpectation, type CsvSummary, csvConsumer } from "../../src/verify/csv-check.js";
import { type SheetSummary, sheetConsumer } from "../../src/verify/xlsx-sheet.js";

/** Feeds `text` in chunks of `size` bytes (splitting multi-byte characters too). */
async function* chunks(text: string, size = 3): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, "utf8");
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function checkCsv(text: string, expect: CsvExpectation): Promise<CsvSummary> {
  let summary: CsvSummary | undefined;
  await csvConsumer(expect, (s) => {
    summary = s;
  })(chunks(text));
  return summary!;
}

describe("csv check", () => {
  it("counts records, not lines; quoted CRLF and quotes are fine", async () => {
    const s = await checkCsv('\uFEFFa,b\r\n"x\r\ny","say ""hi"""\r\n2,é\r\n', {
      bom: true,
      header: ["a", "b"],
    });
    expect(s).toEqual({ header: ["a", "b"], rows: 2, problems: [] });
  });

  it("reports a missing or unexpected BOM, a bare LF or CR, a missing last CRLF", async () => {
    expect((await checkCsv("a\r\n1\r\n", { bom: true })).problems).toEqual([
      "no UTF-8 byte order mark at the start",
    ]);
    expect((await checkCsv("\uFEFFa\r\n", { bom: false })).problems).toEqual([
      "starts with a byte order mark",
    ]);
    expect((await checkCsv("a\r\n1\n2\r\n", { bom: false })).problems).toEqual([
      "line 2 does not end with CRLF",
    ]);
    expect((await checkCsv("a\r\n1\r2\r\n", { bom: false })).problems).toEqual([
      "line 2 does not end with CRLF",
    ]);
    expect((await checkCsv("a\r\n1", { bom: false })).problems).toEqual(["line 2 does not end with CRLF"]);
  });

  it("reports a header that differs and records of the wrong width", async () => {
    const s = await checkCsv("a,c\r\n1,2\r\n1\r\n1,2,3\r\n", { bom: false, header: ["a", "b"] });
    expect(s.rows).toBe(3);
    expect(s.problems).toEqual([
      "line 3 has 1 field, the header 2",
      "1 more record has the wrong number of fields",
      'header column 2 is "c" where "b" is expected',
    ]);
  });

  it("hands each data record to onRecord with the header", async () => {
    const seen: string[][] = [];
    await checkCsv("id,path\r\n1,files/1/a.pdf\r\n2,\r\n", { bom: false, onRecord: (f) => seen.push(f) });
    expect(seen).toEqual([
      ["1", "files/1/a.pdf"],
      ["2", ""],
    ]);
  });
});

async function scanSheet(xml: string, size: number) {
  const rows: [number, Record<string, string>][] = [];
  let summary: SheetSummary | undefined;
  await sheetConsumer(
    (r, cells) => rows.push([r, Object.fromEntries(cells)]),
    (s) => {
      summary = s;
    },
  )(chunks(xml, size));
  return { rows, summary: summary! };
}

const SHEET =
  '<?xml version="1.0"?><worksheet><sheetViews/><sheetData>' +
  '<row r="1"><c r="A1" s="2" t="inlineStr"><is><t>Resume File</t></is></c><c r="B1" t="inlineStr"><is><t>N</t></is></c></row>' +
  '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve">Resumes/A &amp; B/x_x005F_x0041_.pdf </t></is></c><c r="B2"><v>42</v></c></row>' +
  '<row r="3"></row><row r="4"/>' +
  '</sheetData><autoFilter ref="A1:B4"/></worksheet>';

describe("worksheet scanner", () => {
  it("reads rows and cell text whatever the chunk size", async () => {
    for (const size of [1, 7, 64, 100_000]) {
      const { rows, summary } = await scanSheet(SHEET, size);
      expect(rows, `chunks of ${size}`).toEqual([
        [1, { A: "Resume File", B: "N" }],
        [2, { A: "Resumes/A & B/x_x0041_.pdf ", B: "42" }],
        [3, {}],
        [4, {}],
      ]);
      expect(summary).toEqual({ rows: 4, complete: true, sharedStringCells: 0 });
    }
  });

  it("a sheet cut short is not complete; shared-string cells are counted", async () => {
    const cut = await scanSheet(SHEET.slice(0, SHEET.indexOf('<row r="3">')), 16);
    expect(cut.summary).toMatchObject({ rows: 2, complete: false });
    const shared = await scanSheet(
      SHEET.replace('<c r="B2"><v>42</v></c>', '<c r="B2" t="s"><v>0</v></c>'),
      16,
    );
    expect(shared.summary.sharedStringCells).toBe(1);
  });
});

describe("checks", () => {
  it("write control and bidi characters from the export as \\uXXXX (docs/EXPORTS.md#zip-entry-names)", () => {
    const checks = new Checks();
    checks.fail("cv\u202Efdp.exe in a.zip", 'Resume File "a\nb" is absent');
    checks.note("tab\there");
    expect(checks.report("a.zip")).toMatchObject({
      ok: false,
      problems: 1,
      checks: [
        { ok: false, subject: "cv\\u202efdp.exe in a.zip", message: 'Resume File "a\\u000ab" is absent' },
      ],
      notes: ["tab\\u0009here"],
    });
  });
});
