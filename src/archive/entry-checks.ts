/**
 * Checks of one central directory entry, done by `ZipArchive.open` for every entry before
 * any content is read (docs/EXPORTS.md#untrusted-archives; the rules mirror what our writer
 * guarantees, docs/EXPORTS.md#names-and-cells). Each failure is an {@link ArchiveError} naming the
 * entry.
 */
import { foldKey } from "../exports/zip/safe-entry-name.js";
import { ArchiveError } from "./archive-error.js";
import { type ArchiveLimits, RATIO_MIN_BYTES } from "./archive-limits.js";

/** General purpose bit 0 (APPNOTE §4.4.4): the entry is encrypted. */
export const FLAG_ENCRYPTED = 0x0001;
/** Bit 3: CRC and sizes follow the data in a data descriptor (12–24 bytes). */
export const FLAG_DATA_DESCRIPTOR = 0x0008;
/** Bit 11: name and comment are UTF-8. */
export const FLAG_UTF8 = 0x0800;
export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;

/** The central directory fields the checks need (a subset of yauzl's `Entry`). */
export interface CentralFields {
  generalPurposeBitFlag: number;
  compressionMethod: number;
  compressedSize: number;
  uncompressedSize: number;
  versionMadeBy: number;
  externalFileAttributes: number;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The entry name from its raw bytes, always as UTF-8 (our writer sets bit 11). Refused
 * (`unsafe_name`): bytes that are not UTF-8, and non-ASCII names without bit 11, which other
 * tools would read as CP437 — a different name than ours. The Info-ZIP Unicode Path extra
 * field (0x7075) is ignored on purpose: one name per entry, the bytes in the header.
 */
export function decodeName(raw: Buffer, flags: number): string {
  let name: string;
  try {
    name = strictUtf8.decode(raw);
  } catch {
    throw new ArchiveError("unsafe_name", "name is not valid UTF-8", raw.toString("utf8"));
  }
  if ((flags & FLAG_UTF8) === 0 && raw.some((b) => b >= 0x80)) {
    throw new ArchiveError("unsafe_name", "non-ASCII name without the UTF-8 flag (bit 11)", name);
  }
  return name;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/**
 * Bidi controls (docs/EXPORTS.md#zip-entry-names): they make `cv\u202Efdp.exe` look like
 * `cvexe.pdf`.
 */
const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * Why `name` is not a safe relative path (APPNOTE §4.4.17.1, docs/EXPORTS.md#untrusted-archives),
 * or undefined.
 */
export function nameProblem(name: string): string | undefined {
  if (name === "") return "empty name";
  if (CONTROL.test(name)) return "control character in name";
  if (BIDI.test(name)) return "bidirectional control character in name";
  if (name.startsWith("/")) return "absolute path";
  if (/^[A-Za-z]:/.test(name)) return "drive letter in name";
  if (name.includes("\\")) return "backslash in name (a path separator on Windows)";
  const body = name.endsWith("/") ? name.slice(0, -1) : name;
  for (const segment of body.split("/")) {
    if (segment === "") return "empty path segment";
    if (segment === ".") return "'.' path segment";
    if (segment === "..") return "'..' path segment (path traversal)";
  }
  return undefined;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
/** "Version made by" hosts whose external attributes carry a Unix mode: 3 UNIX, 19 OS X. */
const UNIX_HOSTS = new Set([3, 19]);

/** A symbolic link: Unix mode (high 16 bits of the external attributes) is S_IFLNK. */
export function isSymlink(e: CentralFields): boolean {
  return UNIX_HOSTS.has(e.versionMadeBy >>> 8) && ((e.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK;
}

/**
 * Everything about one entry but its name's uniqueness and its place in the file: name,
 * symlink, encryption, method, sizes and ratio. Returns the new running total of declared bytes.
 */
export function checkEntry(
  name: string,
  e: CentralFields,
  limits: ArchiveLimits,
  totalBytes: number,
): number {
  const problem = nameProblem(name);
  if (problem) throw new ArchiveError("unsafe_name", problem, name);
  if (isSymlink(e)) throw new ArchiveError("symlink", "symbolic link entry", name);
  if (e.generalPurposeBitFlag & FLAG_ENCRYPTED) throw new ArchiveError("encrypted", "encrypted entry", name);
  const method = e.compressionMethod;
  if (method !== METHOD_STORE && method !== METHOD_DEFLATE) {
    throw new ArchiveError(
      "unsupported_method",
      `compression method ${method} (only 0 store and 8 deflate)`,
      name,
    );
  }
  const size = e.uncompressedSize;
  if (size > limits.maxEntryBytes) {
    throw new ArchiveError(
      "too_large",
      `declares ${size} bytes, more than the limit of ${limits.maxEntryBytes}`,
      name,
    );
  }
  const total = totalBytes + size;
  if (total > limits.maxTotalBytes) {
    throw new ArchiveError(
      "too_large",
      `entries declare more than the limit of ${limits.maxTotalBytes} bytes in total`,
      name,
    );
  }
  if (size > RATIO_MIN_BYTES && size > limits.maxRatio * e.compressedSize) {
    const ratio = e.compressedSize === 0 ? "∞" : Math.round(size / e.compressedSize);
    throw new ArchiveError(
      "ratio",
      `compression ratio ${ratio}:1 (${e.compressedSize} → ${size} bytes) is above the limit of ${limits.maxRatio}:1`,
      name,
    );
  }
  return total;
}

/**
 * Names seen so far, folded (NFC + case, as the writer's `UniqueNames`): two entries that would
 * land on the same path when extracted on macOS or Windows, or a file where another entry needs
 * a folder, are `duplicate_name`. Kept only while opening.
 */
export class NameIndex {
  /** Folded full names (folders with their trailing `/`) → the entry's name. */
  private readonly names = new Map<string, string>();
  /** Folded folder paths (no trailing `/`) implied or declared → an entry that needs it. */
  private readonly folders = new Map<string, string>();

  add(name: string): void {
    const key = foldKey(name);
    const same = this.names.get(key);
    if (same !== undefined) {
      throw new ArchiveError(
        "duplicate_name",
        same === name
          ? "appears twice in the central directory"
          : `same name as ${JSON.stringify(same)} once case and Unicode normalization are ignored`,
        name,
      );
    }
    const isDir = key.endsWith("/");
    const body = isDir ? key.slice(0, -1) : key;
    if (!isDir && this.folders.has(body)) {
      throw new ArchiveError(
        "duplicate_name",
        `is a file, but ${JSON.stringify(this.folders.get(body))} needs it to be a folder`,
        name,
      );
    }
    this.names.set(key, name);
    // Parent folders, deepest first; once one is known, its parents are too.
    for (
      let cut = isDir ? body.length : body.lastIndexOf("/");
      cut > 0;
      cut = body.lastIndexOf("/", cut - 1)
    ) {
      const folder = body.slice(0, cut);
      if (this.folders.has(folder)) break;
      const file = this.names.get(folder);
      if (file !== undefined) {
        throw new ArchiveError(
          "duplicate_name",
          `needs ${JSON.stringify(file)} to be a folder, but it is a file`,
          name,
        );
      }
      this.folders.set(folder, name);
    }
  }
}
