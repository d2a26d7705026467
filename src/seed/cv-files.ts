import crypto from "node:crypto";
import { type TinyZipEntry, tinyZip } from "./tiny-zip.js";

export const PDF_CONTENT_TYPE = "application/pdf";
export const DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** What a generated CV shows. */
export interface CvContent {
  /** The candidate's full name (any Unicode; the PDF shows non-Latin-1 characters as `?`). */
  name: string;
  headline: string;
  /** Further lines (contact, experience, education), one paragraph each. */
  lines?: readonly string[];
}

/** Size options of a generated file. */
export interface CvFileOptions {
  /**
   * Adds this many incompressible bytes (a PDF stream object / a `word/media/pad.bin` part), so a
   * benchmark can make realistically sized files. Default 0: a few kilobytes.
   */
  padBytes?: number;
  /** Seed of the padding bytes; the same seed gives the same bytes. */
  padSeed?: string;
}

/**
 * `n` deterministic, incompressible bytes: the AES-128-CTR keystream under a key derived from
 * `seed`. Much faster than drawing megabytes from the JS PRNG, and identical on every machine.
 */
export function paddingBytes(n: number, seed: string): Buffer {
  if (n <= 0) return Buffer.alloc(0);
  const digest = crypto.createHash("sha256").update(seed, "utf8").digest();
  const cipher = crypto.createCipheriv("aes-128-ctr", digest.subarray(0, 16), digest.subarray(16, 32));
  return Buffer.concat([cipher.update(Buffer.alloc(n)), cipher.final()]);
}

/**
 * A PDF string literal body: `(`, `)` and `\` escaped; printable ASCII kept; Latin-1 letters as
 * octal escapes (WinAnsiEncoding agrees with Latin-1 from 0xA0 up); everything else (controls,
 * characters beyond Latin-1, emoji, bidi marks) becomes `?`, so the stream stays plain ASCII.
 */
export function pdfText(text: string): string {
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === "(" || ch === ")" || ch === "\\") out += `\\${ch}`;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c >= 0xa0 && c <= 0xff) out += `\\${c.toString(8).padStart(3, "0")}`;
    else out += "?";
  }
  return out;
}

/**
 * A valid one-page PDF 1.4: catalog, page tree, one page whose content stream shows the name,
 * the headline and the extra lines in Helvetica, an info dictionary, a correct xref table.
 */
export function makePdf(content: CvContent, opts: CvFileOptions = {}): Buffer {
  const lines = content.lines ?? [];
  const stream = [
    "BT",
    "/F1 20 Tf",
    "72 740 Td",
    `(${pdfText(content.name)}) Tj`,
    "/F1 12 Tf",
    "16 TL",
    "0 -28 Td",
    `(${pdfText(content.headline)}) Tj`,
    ...lines.map((l) => `T* (${pdfText(l)}) Tj`),
    "ET",
  ].join("\n");
  const objects: (string | Buffer)[] = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    `<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`,
    `<< /Title (${pdfText(content.name)}) /Producer (Hirevault seed) >>`,
  ];
  const pad = opts.padBytes ?? 0;
  if (pad > 0) {
    // An unreferenced stream object: valid PDF, ignored by viewers, and it defeats compression.
    const bytes = paddingBytes(pad, opts.padSeed ?? content.name);
    objects.push(
      Buffer.concat([
        Buffer.from(`<< /Length ${bytes.length} >>\nstream\n`, "latin1"),
        bytes,
        Buffer.from("\nendstream", "latin1"),
      ]),
    );
  }
  // The second line is a comment of high bytes: it tells transfer tools the file is binary.
  const chunks: Buffer[] = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let size = chunks[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(size);
    const chunk = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`, "latin1"),
      typeof body === "string" ? Buffer.from(body, "latin1") : body,
      Buffer.from("\nendobj\n", "latin1"),
    ]);
    chunks.push(chunk);
    size += chunk.length;
  });
  const xrefOffset = size;
  // Each xref entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, 2-byte EOL.
  const xref = [
    `xref\n0 ${objects.length + 1}\n`,
    "0000000000 65535 f \n",
    ...offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`),
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\n`,
    `startxref\n${xrefOffset}\n%%EOF\n`,
  ].join("");
  chunks.push(Buffer.from(xref, "latin1"));
  return Buffer.concat(chunks);
}

// Characters XML 1.0 cannot carry at all (C0 controls but TAB/LF/CR, U+FFFE/U+FFFF, lone
// surrogates): Word refuses a document holding them, so they become `?`.
const XML_ILLEGAL =
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for XML element content and attribute values; drops XML-illegal characters. */
export function xmlText(text: string): string {
  return text
    .replace(XML_ILLEGAL, "?")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

const CONTENT_TYPES_XML = (withPad: boolean) =>
  [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
    '<Default Extension="xml" ContentType="application/xml"/>',
    withPad ? '<Default Extension="bin" ContentType="application/octet-stream"/>' : "",
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>',
    "</Types>",
  ].join("");

const RELS_XML = [
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">',
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>',
  "</Relationships>",
].join("");

const paragraph = (text: string, props = "") =>
  `<w:p><w:r>${props ? `<w:rPr>${props}</w:rPr>` : ""}<w:t xml:space="preserve">${xmlText(text)}</w:t></w:r></w:p>`;

/**
 * A valid minimal DOCX (Office Open XML package): `[Content_Types].xml`, `_rels/.rels` and
 * `word/document.xml` with the name (bold, large), the headline and the extra lines.
 */
export function makeDocx(content: CvContent, opts: CvFileOptions = {}): Buffer {
  const pad = opts.padBytes ?? 0;
  const document = [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>',
    paragraph(content.name, '<w:b/><w:sz w:val="40"/>'),
    paragraph(content.headline, "<w:i/>"),
    ...(content.lines ?? []).map((l) => paragraph(l)),
    "<w:sectPr/></w:body></w:document>",
  ].join("");
  const utf8 = (s: string) => Buffer.from(s, "utf8");
  const entries: TinyZipEntry[] = [
    { name: "[Content_Types].xml", data: utf8(CONTENT_TYPES_XML(pad > 0)) },
    { name: "_rels/.rels", data: utf8(RELS_XML) },
    { name: "word/document.xml", data: utf8(document) },
  ];
  // An unreferenced part is legal in an OPC package and ignored by Word; random bytes make the
  // file as big as asked even after a transfer tool compresses it.
  if (pad > 0)
    entries.push({ name: "word/media/pad.bin", data: paddingBytes(pad, opts.padSeed ?? content.name) });
  return tinyZip(entries);
}

/** A CV file of the given kind, with its content type. */
export function makeCvFile(
  kind: "pdf" | "docx",
  content: CvContent,
  opts: CvFileOptions = {},
): { bytes: Buffer; contentType: string } {
  return kind === "pdf"
    ? { bytes: makePdf(content, opts), contentType: PDF_CONTENT_TYPE }
    : { bytes: makeDocx(content, opts), contentType: DOCX_CONTENT_TYPE };
}
