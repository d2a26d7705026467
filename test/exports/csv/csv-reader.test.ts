import { describe, expect, it } from "vitest";
import { BOM, csvLine, HUMAN_CSV, MACHINE_CSV } from "../../../src/exports/csv/csv-dialect.js";
import { CsvSyntaxError, readCsvRecords } from "../../../src/exports/csv/csv-reader.js";

async function read(chunks: (string | Buffer)[]) {
  const out = [];
  for await (const r of readCsvRecords(chunks)) out.push(r);
  return out;
}

/** Every split of `bytes` into two chunks, to catch state lost at a chunk boundary. */
function splits(bytes: Buffer): Buffer[][] {
  return Array.from({ length: bytes.length + 1 }, (_, i) => [bytes.subarray(0, i), bytes.subarray(i)]);
}

const HOSTILE = [
  "plain",
  "",
  null,
  'say "hi"',
  "a,b",
  "line1\r\nline2",
  "lf\nonly",
  '=HYPERLINK("http://x")',
  "naïve — 日本語 😀",
  "\u202Efdp.exe",
  "trailing space ",
  '"',
  "\r",
];

describe("readCsvRecords", () => {
  it("reads back what the machine dialect wrote, telling NULL from the empty string", async () => {
    const text =
      csvLine(["id", "value"], MACHINE_CSV) +
      HOSTILE.map((v, i) => csvLine([String(i), v], MACHINE_CSV)).join("");
    const bytes = Buffer.from(text);
    for (const chunks of splits(bytes)) {
      const records = await read(chunks);
      expect(records).toHaveLength(HOSTILE.length + 1);
      HOSTILE.forEach((v, i) => {
        const r = records[i + 1]!;
        expect(r.fields).toEqual([String(i), v ?? ""]);
        // NULL is an empty unquoted field; "" is quoted.
        if (v === null) expect(r.quoted[1]).toBe(false);
        if (v === "") expect(r.quoted[1]).toBe(true);
      });
    }
  });

  it("skips the BOM of the human dialect and counts lines inside quoted fields", async () => {
    const text = `${BOM}${csvLine(["a", "b"], HUMAN_CSV)}${csvLine(["x\r\ny", "z"], HUMAN_CSV)}${csvLine(["1", "2"], HUMAN_CSV)}`;
    const records = await read([Buffer.from(text)]);
    expect(records.map((r) => r.fields)).toEqual([
      ["a", "b"],
      ["x\r\ny", "z"],
      ["1", "2"],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it("counts lines inside quoted fields as an editor does: CRLF, LF and a lone CR each end one", async () => {
    const cells = ["\rCR-led", "a\r\nb", "c\nd", "e\r", "\r\r\n\n"];
    const text = csvLine(["v"], MACHINE_CSV) + cells.map((v) => csvLine([v], MACHINE_CSV)).join("");
    // The line each record starts on, counted independently: every CRLF, LF or lone CR before it.
    const expected = [1];
    for (const v of ["v", ...cells.slice(0, -1)])
      expected.push(expected.at(-1)! + (`${v}\r\n`.match(/\r\n|\r|\n/g) ?? []).length);
    expect(expected).toEqual([1, 2, 4, 6, 8, 10]);
    for (const chunks of splits(Buffer.from(text))) {
      expect((await read(chunks)).map((r) => r.line)).toEqual(expected);
    }
  });

  it("accepts LF line ends and a last record without one", async () => {
    expect((await read(["a,b\n1,\n2,3"])).map((r) => r.fields)).toEqual([
      ["a", "b"],
      ["1", ""],
      ["2", "3"],
    ]);
  });

  it("names the line of malformed input", async () => {
    await expect(read(['a,b\r\n1,"open\r\n'])).rejects.toThrow(/line 2: a quoted field is not closed/);
    await expect(read(['a,b\r\n1,x"y\r\n'])).rejects.toThrow(CsvSyntaxError);
    await expect(read(['a,b\r\n"x"y,1\r\n'])).rejects.toThrow(/line 2: text after the closing quote/);
  });
});
