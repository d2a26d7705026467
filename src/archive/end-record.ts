/**
 * Reads the end of central directory record (PKWARE APPNOTE 6.3.10 §4.3.16) and, when its
 * locator is there, the ZIP64 end record (§4.3.14, §4.3.15) — ourselves, before yauzl, so
 * the declared entry count is checked against the limit before a single central directory
 * header is read (docs/EXPORTS.md#untrusted-archives: "1 M tiny entries … rejected in bounded
 * time"), and so a cut-off file is told apart from something that never was a zip.
 * The search mirrors yauzl's: the last end signature in the final 64 KiB + 22 bytes wins.
 */
import { ArchiveError } from "./archive-error.js";

const SIG_LOCAL = 0x04034b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const EOCD_BYTES = 22;
const LOCATOR_BYTES = 20;
const ZIP64_EOCD_BYTES = 56;
const MAX_COMMENT = 0xffff;

/** Where the central directory is and how many entries it declares. */
export interface EndRecord {
  entries: number;
  cdOffset: number;
  cdSize: number;
  /** Offset of the first end record (ZIP64 end record or classic one): the central directory ends before it. */
  endStart: number;
}

type ReadAt = (position: number, length: number) => Promise<Buffer>;

function u64(buf: Buffer, at: number, what: string): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ArchiveError("not_zip", `ZIP64 ${what} is implausibly large`);
  return Number(v);
}

/** The archive has no usable end record: cut off if it starts like a zip, else not a zip at all. */
async function missingEnd(readAt: ReadAt, why: string): Promise<never> {
  const head = await readAt(0, 4);
  if (head.length === 4 && head.readUInt32LE(0) === SIG_LOCAL) {
    throw new ArchiveError("truncated", `${why}: the archive is cut off`);
  }
  throw new ArchiveError("not_zip", `${why}: not a zip archive`);
}

export async function readEndRecord(readAt: ReadAt, fileSize: number): Promise<EndRecord> {
  if (fileSize < EOCD_BYTES)
    return missingEnd(readAt, `file of ${fileSize} bytes has no end of central directory`);
  const tailStart = Math.max(0, fileSize - (EOCD_BYTES + MAX_COMMENT + LOCATOR_BYTES));
  const tail = await readAt(tailStart, fileSize - tailStart);
  let i = tail.length - EOCD_BYTES;
  while (i >= 0 && tail.readUInt32LE(i) !== SIG_EOCD) i--;
  if (i < 0) return missingEnd(readAt, "end of central directory not found");

  const commentLength = tail.readUInt16LE(i + 20);
  const after = tail.length - i - EOCD_BYTES;
  if (commentLength > after)
    return missingEnd(readAt, "end of central directory comment runs past the end of the file");
  if (commentLength < after) {
    throw new ArchiveError(
      "not_zip",
      `${after - commentLength} unexpected bytes after the end of central directory`,
    );
  }
  const eocdAt = tailStart + i;
  const locAt = i - LOCATOR_BYTES;
  if (locAt < 0 || tail.readUInt32LE(locAt) !== SIG_ZIP64_LOCATOR) {
    if (tail.readUInt16LE(i + 4) !== 0 || tail.readUInt16LE(i + 6) !== 0) {
      throw new ArchiveError("not_zip", "multi-disk (split) archives are not supported");
    }
    return {
      entries: tail.readUInt16LE(i + 10),
      cdSize: tail.readUInt32LE(i + 12),
      cdOffset: tail.readUInt32LE(i + 16),
      endStart: eocdAt,
    };
  }
  const recAt = u64(tail, locAt + 8, "end record offset");
  if (recAt + ZIP64_EOCD_BYTES > tailStart + locAt) {
    throw new ArchiveError("not_zip", "ZIP64 end of central directory record is out of place");
  }
  const rec = await readAt(recAt, ZIP64_EOCD_BYTES);
  if (rec.length < ZIP64_EOCD_BYTES || rec.readUInt32LE(0) !== SIG_ZIP64_EOCD) {
    throw new ArchiveError(
      "not_zip",
      "ZIP64 end of central directory record not found where its locator points",
    );
  }
  if (rec.readUInt32LE(16) !== 0 || rec.readUInt32LE(20) !== 0) {
    throw new ArchiveError("not_zip", "multi-disk (split) archives are not supported");
  }
  return {
    entries: u64(rec, 32, "entry count"),
    cdSize: u64(rec, 40, "central directory size"),
    cdOffset: u64(rec, 48, "central directory offset"),
    endStart: recAt,
  };
}

/** Smallest central directory header (§4.3.12): 46 bytes plus name, extra and comment. */
export const CENTRAL_HEADER_BYTES = 46;

/** Checks that the central directory lies inside the file, before the end records, and can hold its entries. */
export function checkCentralBounds(end: EndRecord, fileSize: number): void {
  const cdEnd = end.cdOffset + end.cdSize;
  if (cdEnd > end.endStart) {
    if (end.cdOffset >= fileSize || cdEnd > fileSize) {
      throw new ArchiveError(
        "truncated",
        `central directory (${end.cdSize} bytes at offset ${end.cdOffset}) lies beyond the end of the ${fileSize}-byte file`,
      );
    }
    throw new ArchiveError("not_zip", "central directory overlaps the end of central directory record");
  }
  if (end.entries * CENTRAL_HEADER_BYTES > end.cdSize) {
    throw new ArchiveError(
      "not_zip",
      `end of central directory declares ${end.entries} entries but the central directory has only ${end.cdSize} bytes`,
    );
  }
}
