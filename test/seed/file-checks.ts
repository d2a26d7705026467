import { execFileSync } from "node:child_process";
import { expect } from "vitest";
import { xmlText } from "../../src/seed/cv-files.js";

/** Checks a PDF's frame: header, `%%EOF`, `startxref` → `xref`, every xref offset → `N 0 obj`. */
export function assertValidPdf(pdf: Buffer): void {
  const text = pdf.toString("latin1");
  expect(text.startsWith("%PDF-1.4\n")).toBe(true);
  expect(text.trimEnd().endsWith("%%EOF")).toBe(true);
  const m = /startxref\n(\d+)\n%%EOF\s*$/.exec(text);
  expect(m).not.toBeNull();
  const xrefAt = Number(m![1]);
  expect(text.slice(xrefAt, xrefAt + 5)).toBe("xref\n");
  const header = /^xref\n0 (\d+)\n/.exec(text.slice(xrefAt))!;
  const count = Number(header[1]);
  const entries = text.slice(xrefAt + header[0].length, xrefAt + header[0].length + count * 20);
  for (let i = 1; i < count; i++) {
    const entry = entries.slice(i * 20, i * 20 + 20);
    expect(entry).toMatch(/^\d{10} 00000 n \n$/);
    const at = Number(entry.slice(0, 10));
    expect(text.slice(at, at + `${i} 0 obj`.length)).toBe(`${i} 0 obj`);
  }
}

/** Checks a DOCX file with `unzip -t` and looks for the (XML-escaped) name in word/document.xml. */
export function assertValidDocx(file: string, name: string): void {
  execFileSync("/usr/bin/unzip", ["-tq", file]);
  const xml = execFileSync("/usr/bin/unzip", ["-p", file, "word/document.xml"]).toString("utf8");
  expect(xml.startsWith('<?xml version="1.0"')).toBe(true);
  expect(xml).toContain(xmlText(name));
}
