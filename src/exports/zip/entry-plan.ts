// How an entry's headers are laid out before its data is read (PKWARE APPNOTE.TXT 6.3.10).
import { dosDateTime, unixSeconds } from "./dos-time.js";
import {
  type EntryRecord,
  FLAG_DATA_DESCRIPTOR,
  FLAG_UTF8,
  METHOD_DEFLATE,
  METHOD_STORE,
  needsZip64,
} from "./zip-headers.js";

/**
 * Upper bound of the DEFLATE output for `n` input bytes (zlib's deflateBound plus slack): an
 * entry whose declared size keeps this under 4 GiB cannot need ZIP64 sizes.
 */
export function deflateBound(n: number): number {
  return n + Math.ceil(n / 4096) + Math.ceil(n / 16384) + 64;
}

/**
 * How an entry's headers are laid out before its data is read (internal; exported for tests).
 *
 * - `known` (a Buffer source): CRC and sizes go in the local header, no data descriptor.
 * - Otherwise bit 3 is set: CRC is 0 in the local header and the data descriptor follows the
 *   data (§4.3.9). A STORE entry's declared `size` is still written in the local header so
 *   streaming readers can find the end of the data. The local header gets a ZIP64 extra
 *   (§4.5.3) when the entry is known to reach 4 GiB, or may (DEFLATE of unknown size).
 */
export function planEntry(args: {
  name: Buffer;
  mtime: Date;
  offset: number;
  compress: boolean;
  size?: number | undefined;
  known?: { crc: number; compressedSize: number } | undefined;
  isDirectory?: boolean;
}): EntryRecord {
  const { date, time } = dosDateTime(args.mtime);
  const method = args.compress ? METHOD_DEFLATE : METHOD_STORE;
  const rec: EntryRecord = {
    name: args.name,
    method,
    flags: FLAG_UTF8,
    dosDate: date,
    dosTime: time,
    unixTime: unixSeconds(args.mtime),
    crc: 0,
    compressedSize: 0,
    uncompressedSize: 0,
    offset: args.offset,
    localZip64: false,
    isDirectory: args.isDirectory ?? false,
  };
  if (args.known) {
    const size = args.size ?? 0;
    rec.crc = args.known.crc;
    rec.compressedSize = args.known.compressedSize;
    rec.uncompressedSize = size;
    rec.localZip64 = needsZip64(size) || needsZip64(args.known.compressedSize);
    return rec;
  }
  rec.flags |= FLAG_DATA_DESCRIPTOR;
  if (args.compress) {
    // Compressed size is unknown until the end: 0 in the local header (§4.4.4 bit 3).
    rec.localZip64 = args.size === undefined || needsZip64(deflateBound(args.size));
  } else {
    const size = args.size ?? 0;
    rec.compressedSize = size;
    rec.uncompressedSize = size;
    rec.localZip64 = needsZip64(size);
  }
  return rec;
}
