// Left-to-right/right-to-left marks, embeddings, overrides and isolates.
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `Content-Disposition: attachment` with a file name that cannot break the header (RFC 6266):
 * an ASCII fallback in `filename="…"` and the exact UTF-8 name in `filename*` (RFC 8187).
 * CR, LF, quotes and backslashes never reach the header: they are replaced in the fallback and
 * percent-encoded in `filename*`. Bidi controls are dropped, so `cv\u202Efdp.exe` cannot pose as a
 * PDF in the save dialog (MITRE T1036.002, docs/EXPORTS.md#zip-entry-names).
 * Streamed downloads send it themselves; presigned S3 downloads ask S3 to send it
 * (`response-content-disposition`), so both name the file identically.
 */
export function contentDisposition(fileName: string): string {
  const name = fileName.normalize("NFC").replace(BIDI_CONTROLS, "");
  return `attachment; filename="${asciiFallback(name)}"; filename*=UTF-8''${encodeRfc8187(name)}`;
}

/** Printable ASCII only; `"`, `\`, controls and non-ASCII become `_` (accents are dropped first). */
export function asciiFallback(name: string): string {
  const folded = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  const safe = folded.replace(/[^\x20-\x7e]|["\\%]/g, "_").trim();
  return safe.slice(0, 200) || "download";
}

// RFC 8187 §3.2.1 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~"; everything else is %-encoded.
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/** Percent-encodes the UTF-8 bytes of `value` except attr-chars. */
export function encodeRfc8187(value: string): string {
  let out = "";
  for (const ch of value) {
    if (ATTR_CHAR.test(ch)) out += ch;
    else
      for (const byte of Buffer.from(ch, "utf8"))
        out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
