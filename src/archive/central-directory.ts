/**
 * Walks the whole central directory through yauzl (`lazyEntries`, one entry at a time) and
 * checks each entry as it comes (entry-checks.ts), keeping only what the reader needs later:
 * the public `ZipEntryInfo` and where the entry's bytes are. yauzl's own refusals (a stored
 * entry whose two sizes differ, strong encryption, a cut-off header) become our errors, named
 * by reading the offending header ourselves: yauzl refuses before it hands the entry over.
 */
import type { Entry, ZipFile } from "yauzl";
import { ArchiveError } from "./archive-error.js";
import type { ArchiveLimits } from "./archive-limits.js";
import { CENTRAL_HEADER_BYTES, type EndRecord } from "./end-record.js";
import { checkEntry, decodeName, NameIndex } from "./entry-checks.js";
import type { FileReader } from "./file-reader.js";
import type { EntryPlace } from "./local-headers.js";

/** One entry as the archive lists it (central directory values, ZIP64-resolved). */
export interface ZipEntryInfo {
  /** As stored, decoded as UTF-8. */
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  /** Unsigned. */
  crc32: number;
  /** 0 store, 8 deflate (anything else is refused when opening). */
  compressionMethod: number;
  /** The name ends with "/". */
  isDirectory: boolean;
}

/**
 * yauzl's `lazyEntries` events as a pull API: `next()` asks for one entry and resolves with
 * it, or `undefined` at the end. One set of listeners for the whole walk (not one per entry).
 */
class EntryPump {
  private pending: { resolve: (e: Entry | undefined) => void; reject: (err: Error) => void } | undefined;

  constructor(private readonly zipfile: ZipFile) {
    zipfile.on("entry", (e: Entry) => this.settle().resolve(e));
    zipfile.on("end", () => this.settle().resolve(undefined));
    zipfile.on("error", (err: Error) => this.pending && this.settle().reject(err));
  }

  next(): Promise<Entry | undefined> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.zipfile.readEntry();
    });
  }

  private settle() {
    const p = this.pending!;
    this.pending = undefined;
    return p;
  }
}

/** The name in the central header at `at`, read by us (best effort, for messages). */
async function nameAt(reader: FileReader, at: number): Promise<string | undefined> {
  const h = await reader.readAt(at, CENTRAL_HEADER_BYTES);
  if (h.length < CENTRAL_HEADER_BYTES || h.readUInt32LE(0) !== 0x02014b50) return undefined;
  const raw = await reader.readAt(at + CENTRAL_HEADER_BYTES, h.readUInt16LE(28));
  return raw.toString("utf8");
}

/** Our error for yauzl's refusal of the central header at `at` (entry number `index`, from 1). */
async function yauzlError(err: Error, reader: FileReader, at: number, index: number): Promise<ArchiveError> {
  if (err instanceof ArchiveError) return err;
  const name = await nameAt(reader, at).catch(() => undefined);
  const where = name === undefined ? `central directory entry #${index} (offset ${at}): ` : "";
  const msg = err.message;
  const opts = { cause: err };
  if (/size mismatch for stored file/.test(msg)) {
    return new ArchiveError(
      "size_mismatch",
      `${where}stored entry with different sizes (${msg})`,
      name,
      opts,
    );
  }
  if (/encryption/.test(msg)) return new ArchiveError("encrypted", `${where}${msg}`, name, opts);
  if (/unexpected EOF/.test(msg)) {
    return new ArchiveError("truncated", `${where}central directory is cut off`, name, opts);
  }
  return new ArchiveError("not_zip", `${where}corrupt central directory header (${msg})`, name, opts);
}

/** Every entry, checked, in central-directory order, and where each one's local header is. */
export async function readCentralDirectory(
  zipfile: ZipFile,
  reader: FileReader,
  end: EndRecord,
  limits: ArchiveLimits,
): Promise<{ entries: Map<string, ZipEntryInfo>; places: EntryPlace[] }> {
  const entries = new Map<string, ZipEntryInfo>();
  const places: EntryPlace[] = [];
  const names = new NameIndex();
  let totalBytes = 0;
  let cursor = end.cdOffset;
  const pump = new EntryPump(zipfile);
  for (;;) {
    let e: Entry | undefined;
    try {
      e = await pump.next();
    } catch (err) {
      throw await yauzlError(err as Error, reader, cursor, entries.size + 1);
    }
    if (e === undefined) break;
    cursor += CENTRAL_HEADER_BYTES + e.fileNameLength + e.extraFieldLength + e.fileCommentLength;
    const flags = e.generalPurposeBitFlag;
    const name = decodeName(e.fileNameRaw, flags);
    totalBytes = checkEntry(name, e, limits, totalBytes);
    names.add(name);
    entries.set(
      name,
      Object.freeze({
        name,
        compressedSize: e.compressedSize,
        uncompressedSize: e.uncompressedSize,
        crc32: e.crc32 >>> 0,
        compressionMethod: e.compressionMethod,
        isDirectory: name.endsWith("/"),
      }),
    );
    places.push({
      name,
      offset: e.relativeOffsetOfLocalHeader,
      nameBytes: e.fileNameLength,
      compressedSize: e.compressedSize,
      flags,
      dataStart: -1,
    });
  }
  if (cursor - end.cdOffset !== end.cdSize) {
    throw new ArchiveError(
      "not_zip",
      `central directory is declared as ${end.cdSize} bytes but its ${entries.size} headers take ${cursor - end.cdOffset}`,
    );
  }
  return { entries, places };
}
