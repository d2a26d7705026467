/**
 * COPY's LF-terminated CSV made CRLF (RFC 4180 §2.1): only record ends change, never an LF inside
 * a quoted field, whatever the chunk boundaries (a quote pair or a field split across chunks).
 */
import { describe, expect, it } from "vitest";
import { CopyCsvLines } from "../../../src/exports/csv/copy-csv-lines.js";

const copyText = 'a,"x\ny",1\n"",,"say ""hi""\n"\n"q,""\n",\n';
const wanted = 'a,"x\ny",1\r\n"",,"say ""hi""\n"\r\n"q,""\n",\r\n';

function convert(chunks: string[]): { text: string; rows: number } {
  const lines = new CopyCsvLines();
  const out = chunks.map((c) => lines.convert(Buffer.from(c)).toString("latin1")).join("");
  return { text: out, rows: lines.rows };
}

describe("CopyCsvLines", () => {
  it("ends records with CRLF and keeps quoted LFs and doubled quotes as they are", () => {
    expect(convert([copyText])).toEqual({ text: wanted, rows: 3 });
  });

  it("gives the same bytes and count whatever the chunk boundaries", () => {
    for (let size = 1; size <= copyText.length; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < copyText.length; i += size) chunks.push(copyText.slice(i, i + size));
      expect(convert(chunks), `chunks of ${size}`).toEqual({ text: wanted, rows: 3 });
    }
  });

  it("passes a chunk with no record end through untouched", () => {
    const lines = new CopyCsvLines();
    const chunk = Buffer.from("abc,def");
    expect(lines.convert(chunk)).toBe(chunk);
    expect(lines.rows).toBe(0);
  });
});
