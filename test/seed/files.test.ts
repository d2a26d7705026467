import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDocx, makePdf, paddingBytes, pdfText, xmlText } from "../../src/seed/cv-files.js";
import { tinyZip } from "../../src/seed/tiny-zip.js";
import { assertValidDocx, assertValidPdf } from "./file-checks.js";

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "hv-seed-files-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const content = {
  name: "Zoë (O'Brien) \\ 👩‍💻 <b>&",
  headline: "Engineer ) at ( Acme \u202Efdp.exe \u000B\uFFFF",
  lines: ["zoe@example.com", "+44 20 7946 0123"],
};

describe("makePdf", () => {
  it("is a valid PDF 1.4 whose xref table and startxref point at the right bytes", () => {
    const pdf = makePdf(content);
    assertValidPdf(pdf);
    expect(pdf.length).toBeLessThan(4096);
  });

  it("escapes ( ) \\ and keeps the text ASCII, showing non-Latin-1 characters as ?", () => {
    expect(pdfText("a(b)c\\d")).toBe("a\\(b\\)c\\\\d");
    // 👩‍💻 is three code points (woman, ZWJ, laptop), the override one more.
    expect(pdfText("Zoë 👩‍💻\u202E")).toBe("Zo\\353 ????");
    const text = makePdf(content).toString("latin1");
    expect(text).toContain("(Zo\\353 \\(O'Brien\\) \\\\ ??? <b>&) Tj");
    const stream = text.slice(text.indexOf("stream\n"), text.indexOf("endstream"));
    expect(/^[\x20-\x7e\n]*$/.test(stream)).toBe(true);
  });

  it("is byte-identical for the same input, and padBytes adds incompressible bytes", () => {
    expect(makePdf(content).equals(makePdf(content))).toBe(true);
    const padded = makePdf(content, { padBytes: 100_000, padSeed: "p" });
    assertValidPdf(padded);
    expect(padded.length).toBeGreaterThan(100_000);
    expect(padded.equals(makePdf(content, { padBytes: 100_000, padSeed: "p" }))).toBe(true);
    expect(padded.equals(makePdf(content, { padBytes: 100_000, padSeed: "q" }))).toBe(false);
  });
});

describe("makeDocx", () => {
  it("passes unzip -t and holds the XML-escaped name in word/document.xml", async () => {
    const file = path.join(dir, "cv.docx");
    await fs.writeFile(file, makeDocx(content));
    assertValidDocx(file, content.name);
    const xml = execFileSync("/usr/bin/unzip", ["-p", file, "word/document.xml"]).toString("utf8");
    expect(xml).toContain("Zoë (O'Brien) \\ 👩‍💻 &lt;b&gt;&amp;");
    expect(xml).not.toMatch(/[\u000B\uFFFF]/);
  });

  it("with padding: still valid, as big as asked, deterministic", async () => {
    const bytes = makeDocx(content, { padBytes: 50_000, padSeed: "s" });
    expect(bytes.length).toBeGreaterThan(50_000);
    expect(bytes.equals(makeDocx(content, { padBytes: 50_000, padSeed: "s" }))).toBe(true);
    const file = path.join(dir, "padded.docx");
    await fs.writeFile(file, bytes);
    assertValidDocx(file, content.name);
    expect(execFileSync("/usr/bin/unzip", ["-l", file]).toString()).toContain("word/media/pad.bin");
  });

  it("xmlText escapes markup and drops XML-illegal characters", () => {
    expect(xmlText('<a href="x">&</a>\u0001\uFFFE')).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;??");
  });
});

describe("tinyZip", () => {
  it("writes STORED entries with UTF-8 names (flag bit 11 in local and central headers)", async () => {
    const zip = tinyZip([
      { name: "Résumé/😀.txt", data: Buffer.from("hello") },
      { name: "empty.bin", data: new Uint8Array(0) },
    ]);
    expect(zip.readUInt16LE(6) & 0x800).toBe(0x800);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(zip.readUInt16LE(central + 8) & 0x800).toBe(0x800);
    const file = path.join(dir, "names.zip");
    await fs.writeFile(file, zip);
    execFileSync("/usr/bin/unzip", ["-t", file]);
    // unzip maps names through the locale, so check the stored bytes and extract by pattern.
    expect(zip.includes(Buffer.from("Résumé/😀.txt", "utf8"))).toBe(true);
    expect(execFileSync("/usr/bin/unzip", ["-p", file, "*.txt"]).toString()).toBe("hello");
  });
});

describe("paddingBytes", () => {
  it("is deterministic per seed and does not compress", async () => {
    const { gzipSync } = await import("node:zlib");
    const a = paddingBytes(64 * 1024, "x");
    expect(a.equals(paddingBytes(64 * 1024, "x"))).toBe(true);
    expect(gzipSync(a).length).toBeGreaterThan(a.length);
  });
});
