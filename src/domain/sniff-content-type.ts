/**
 * Content type of an uploaded file, decided from its first bytes (never from the client's
 * `Content-Type` or file name, which an attacker controls). An allowlist: documents, images and
 * plain UTF-8 text pass; executables, scripts, HTML/SVG and anything unrecognised are refused.
 * Downloads are also served with `X-Content-Type-Options: nosniff` and `Content-Disposition:
 * attachment`, so a file that slipped through still cannot run in the app's origin.
 */

/** How many leading bytes {@link sniffContentType} looks at. OOXML part names sit in the first KB. */
export const SNIFF_BYTES = 4096;

export type SniffResult = { ok: true; contentType: string } | { ok: false; reason: string };

const OOXML = [
  { marker: "word/", type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
  { marker: "xl/", type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
  { marker: "ppt/", type: "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
] as const;

// OpenDocument stores its type uncompressed as the first entry, "mimetype" (ODF 1.2 part 3 §3.3).
const ODF = /^mimetypeapplication\/vnd\.oasis\.opendocument\.(text|spreadsheet|presentation)/;

const MAGIC: { bytes: number[]; offset?: number; type: string }[] = [
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], type: "application/pdf" }, // %PDF-
  { bytes: [0x7b, 0x5c, 0x72, 0x74, 0x66], type: "application/rtf" }, // {\rtf
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], type: "image/png" },
  { bytes: [0xff, 0xd8, 0xff], type: "image/jpeg" },
  { bytes: [0x47, 0x49, 0x46, 0x38, 0x37, 0x61], type: "image/gif" }, // GIF87a
  { bytes: [0x47, 0x49, 0x46, 0x38, 0x39, 0x61], type: "image/gif" }, // GIF89a
];

const EXECUTABLES: { bytes: number[]; what: string }[] = [
  { bytes: [0x4d, 0x5a], what: "a Windows executable" }, // MZ
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: "an ELF executable" },
  { bytes: [0xfe, 0xed, 0xfa, 0xce], what: "a Mach-O executable" },
  { bytes: [0xfe, 0xed, 0xfa, 0xcf], what: "a Mach-O executable" },
  { bytes: [0xce, 0xfa, 0xed, 0xfe], what: "a Mach-O executable" },
  { bytes: [0xcf, 0xfa, 0xed, 0xfe], what: "a Mach-O executable" },
  { bytes: [0xca, 0xfe, 0xba, 0xbe], what: "a Mach-O universal binary or Java class" },
  { bytes: [0x23, 0x21], what: "a script (#!)" },
];

// Markup a browser would render or execute (WHATWG MIME Sniffing §7.1 "HTML" patterns, plus SVG).
const ACTIVE_MARKUP = /<(html|script|svg|iframe|body|head|object|embed|!doctype\s+html)[\s/>]/i;

/** Decides the content type of a file from its first bytes (up to {@link SNIFF_BYTES}). */
export function sniffContentType(head: Uint8Array, complete = true): SniffResult {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length === 0) return { ok: true, contentType: "application/octet-stream" };
  for (const e of EXECUTABLES) {
    if (startsWith(b, e.bytes)) return { ok: false, reason: `the file is ${e.what}` };
  }
  for (const m of MAGIC) {
    if (startsWith(b, m.bytes)) return { ok: true, contentType: m.type };
  }
  if (startsWith(b, [0x52, 0x49, 0x46, 0x46]) && b.subarray(8, 12).toString("latin1") === "WEBP") {
    return { ok: true, contentType: "image/webp" };
  }
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return { ok: true, contentType: zipType(b) };
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))
    return { ok: true, contentType: oleType(b) };
  return textType(b, complete);
}

function startsWith(b: Buffer, bytes: number[]): boolean {
  return b.length >= bytes.length && bytes.every((x, i) => b[i] === x);
}

/** A ZIP is an Office Open XML or OpenDocument file when its first entries say so. */
function zipType(b: Buffer): string {
  const text = b.toString("latin1");
  const odf = ODF.exec(text.slice(30, 120));
  if (odf) return `application/vnd.oasis.opendocument.${odf[1]}`;
  // Entry names are stored in clear in the local headers, so "word/…" shows up in the bytes.
  for (const o of OOXML) if (text.includes(o.marker)) return o.type;
  return "application/zip";
}

const OLE_STREAMS = [
  { name: "WordDocument", type: "application/msword" },
  { name: "Workbook", type: "application/vnd.ms-excel" },
  { name: "PowerPoint Document", type: "application/vnd.ms-powerpoint" },
] as const;

/** Legacy Office (OLE2 compound file): the stream names, in UTF-16LE, tell which program made it. */
function oleType(b: Buffer): string {
  for (const s of OLE_STREAMS) if (b.includes(Buffer.from(s.name, "utf16le"))) return s.type;
  return "application/x-ole-storage";
}

/** Plain UTF-8 text without control characters (other than TAB, LF, FF, CR) and without HTML. */
function textType(b: Buffer, complete: boolean): SniffResult {
  let text: string;
  try {
    // `stream: true` tolerates a multi-byte character cut off at the end of the sniffed window.
    text = new TextDecoder("utf-8", { fatal: true }).decode(b, { stream: !complete });
  } catch {
    return { ok: false, reason: "the file type is not recognised (allowed: PDF, Office, images, text)" };
  }
  if (/[\x00-\x08\x0b\x0e-\x1f\x7f]/.test(text)) {
    return { ok: false, reason: "the file type is not recognised (allowed: PDF, Office, images, text)" };
  }
  if (ACTIVE_MARKUP.test(text)) return { ok: false, reason: "HTML and SVG files are not accepted" };
  return { ok: true, contentType: "text/plain; charset=utf-8" };
}
