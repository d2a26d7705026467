/**
 * The one error type of the archive reader (`zip-reader.ts`). `verify` and `import` turn it
 * into a non-zero exit naming what is wrong (docs/EXPORTS.md#integrity,
 * docs/EXPORTS.md#verifying-an-export, docs/EXPORTS.md#untrusted-archives), so the message always
 * starts with the entry it is about, when there is one.
 */

/** What is wrong with an archive; stable, so callers (CLI, tests) can branch on it. */
export type ArchiveErrorCode =
  | "not_zip"
  | "truncated"
  | "unsafe_name"
  | "symlink"
  | "duplicate_name"
  | "encrypted"
  | "unsupported_method"
  | "too_many_entries"
  | "too_large"
  | "ratio"
  | "overlap"
  | "size_mismatch"
  | "crc_mismatch";

/** Characters that must not reach a terminal or a log line raw (C0/C1 controls, bidi controls). */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * An entry name as shown in messages: as is when printable, JSON-quoted otherwise, so a hostile
 * name (`cv\u202Efdp.exe`, a newline) cannot spoof the rest of the line
 * (docs/EXPORTS.md#zip-entry-names).
 */
export function displayName(name: string): string {
  return UNPRINTABLE.test(name) ? JSON.stringify(name) : name;
}

/**
 * Why an archive (or one of its entries) is refused. `message` is
 * `<entry>: <what is wrong>` when `entry` is set, e.g.
 * `files/x/cv.pdf: CRC-32 mismatch (expected 1a2b3c4d, got 0badf00d)`.
 */
export class ArchiveError extends Error {
  override name = "ArchiveError";
  readonly code: ArchiveErrorCode;
  readonly entry?: string;

  constructor(code: ArchiveErrorCode, detail: string, entry?: string, options?: { cause?: unknown }) {
    super(entry === undefined ? detail : `${displayName(entry)}: ${detail}`, options);
    this.code = code;
    if (entry !== undefined) this.entry = entry;
  }
}
