/**
 * Pure encoders of the per-entry ZIP records (APPNOTE 6.3.10): local file header (§4.3.7),
 * data descriptor (§4.3.9), central directory header (§4.3.12) and the extra fields we use:
 * ZIP64 extended information (0x0001, §4.5.3) and extended timestamp (0x5455, §4.6.x "UT").
 * No I/O here, so the byte layout is unit-testable (e.g. a declared 5 GiB entry).
 */

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_DATA_DESCRIPTOR = 0x08074b50;

/** Bit 3 (§4.4.4): CRC and sizes follow the data in a data descriptor. */
export const FLAG_DATA_DESCRIPTOR = 0x0008;
/** Bit 11 (§4.4.4, Appendix D): name and comment are UTF-8. */
export const FLAG_UTF8 = 0x0800;

export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;

/** Value of a 32-bit size/offset field whose real value is in the ZIP64 extra (§4.4.8). */
export const U32_MAX = 0xffffffff;
/** "Version made by" (§4.4.2): host 3 = UNIX (so external attributes carry a mode), spec 4.5. */
export const VERSION_MADE_BY = (3 << 8) | 45;
/** "Version needed to extract" (§4.4.3.2): 2.0 for deflate/directories, 4.5 for ZIP64. */
export const VERSION_DEFAULT = 20;
export const VERSION_ZIP64 = 45;

/** Everything the header encoders need to know about one entry. */
export interface EntryRecord {
  /** UTF-8 bytes of the entry name. */
  name: Buffer;
  method: number;
  /** General purpose bit flag (§4.4.4). */
  flags: number;
  dosDate: number;
  dosTime: number;
  /** Modification time, Unix seconds (0x5455 extra). */
  unixTime: number;
  /** CRC-32; 0 in the local header when bit 3 is set. */
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the local header from the start of the archive. */
  offset: number;
  /** Whether the local header carries a ZIP64 extra (then the data descriptor uses 8-byte sizes). */
  localZip64: boolean;
  isDirectory: boolean;
}

/** Extended timestamp extra (0x5455) with the modification time only; same layout local and central. */
export function extendedTimestampExtra(unixTime: number): Buffer {
  const b = Buffer.alloc(9);
  b.writeUInt16LE(0x5455, 0);
  b.writeUInt16LE(5, 2); // TSize: flags byte + mtime
  b.writeUInt8(1, 4); // bit 0: mtime present
  b.writeUInt32LE(unixTime >>> 0, 5);
  return b;
}

/** ZIP64 extended information extra (0x0001, §4.5.3): the given 8-byte values, in the order given. */
export function zip64Extra(values: number[]): Buffer {
  const b = Buffer.alloc(4 + 8 * values.length);
  b.writeUInt16LE(0x0001, 0);
  b.writeUInt16LE(8 * values.length, 2);
  for (const [i, v] of values.entries()) b.writeBigUInt64LE(BigInt(v), 4 + 8 * i);
  return b;
}

/** True when `n` does not fit a 32-bit header field (0xFFFFFFFF itself is the ZIP64 marker). */
export function needsZip64(n: number): boolean {
  return n >= U32_MAX;
}

function versionNeeded(r: EntryRecord, zip64: boolean): number {
  return zip64 || r.localZip64 ? VERSION_ZIP64 : VERSION_DEFAULT;
}

/**
 * Local file header (§4.3.7). With `localZip64` both 32-bit sizes are 0xFFFFFFFF and the
 * ZIP64 extra MUST hold both sizes (§4.5.3) — the declared size, or 0 when unknown and bit 3
 * is set. macOS Archive Utility reads only local headers, so this is what lets it open
 * streamed entries over 4 GiB.
 */
export function encodeLocalHeader(r: EntryRecord): Buffer {
  const extras = [extendedTimestampExtra(r.unixTime)];
  let csize = r.compressedSize;
  let usize = r.uncompressedSize;
  if (r.localZip64) {
    extras.unshift(zip64Extra([usize, csize]));
    csize = U32_MAX;
    usize = U32_MAX;
  }
  const extra = Buffer.concat(extras);
  const h = Buffer.alloc(30);
  h.writeUInt32LE(SIG_LOCAL, 0);
  h.writeUInt16LE(versionNeeded(r, false), 4);
  h.writeUInt16LE(r.flags, 6);
  h.writeUInt16LE(r.method, 8);
  h.writeUInt16LE(r.dosTime, 10);
  h.writeUInt16LE(r.dosDate, 12);
  h.writeUInt32LE(r.crc >>> 0, 14);
  h.writeUInt32LE(csize, 18);
  h.writeUInt32LE(usize, 22);
  h.writeUInt16LE(r.name.length, 26);
  h.writeUInt16LE(extra.length, 28);
  return Buffer.concat([h, r.name, extra]);
}

/** Data descriptor with signature (§4.3.9); 8-byte sizes when the local header had a ZIP64 extra. */
export function encodeDataDescriptor(r: EntryRecord): Buffer {
  const b = Buffer.alloc(r.localZip64 ? 24 : 16);
  b.writeUInt32LE(SIG_DATA_DESCRIPTOR, 0);
  b.writeUInt32LE(r.crc >>> 0, 4);
  if (r.localZip64) {
    b.writeBigUInt64LE(BigInt(r.compressedSize), 8);
    b.writeBigUInt64LE(BigInt(r.uncompressedSize), 16);
  } else {
    b.writeUInt32LE(r.compressedSize, 8);
    b.writeUInt32LE(r.uncompressedSize, 12);
  }
  return b;
}

/**
 * Central directory header (§4.3.12). A ZIP64 extra holds, in the order of §4.5.3, only the
 * values whose 32-bit field overflowed (uncompressed size, compressed size, local header offset).
 */
export function encodeCentralHeader(r: EntryRecord): Buffer {
  const z: number[] = [];
  let usize = r.uncompressedSize;
  let csize = r.compressedSize;
  let offset = r.offset;
  if (needsZip64(usize)) {
    z.push(usize);
    usize = U32_MAX;
  }
  if (needsZip64(csize)) {
    z.push(csize);
    csize = U32_MAX;
  }
  if (needsZip64(offset)) {
    z.push(offset);
    offset = U32_MAX;
  }
  const extras = [extendedTimestampExtra(r.unixTime)];
  if (z.length > 0) extras.unshift(zip64Extra(z));
  const extra = Buffer.concat(extras);
  const mode = r.isDirectory ? 0o040755 : 0o100644;
  const h = Buffer.alloc(46);
  h.writeUInt32LE(SIG_CENTRAL, 0);
  h.writeUInt16LE(VERSION_MADE_BY, 4);
  h.writeUInt16LE(versionNeeded(r, z.length > 0), 6);
  h.writeUInt16LE(r.flags, 8);
  h.writeUInt16LE(r.method, 10);
  h.writeUInt16LE(r.dosTime, 12);
  h.writeUInt16LE(r.dosDate, 14);
  h.writeUInt32LE(r.crc >>> 0, 16);
  h.writeUInt32LE(csize, 20);
  h.writeUInt32LE(usize, 24);
  h.writeUInt16LE(r.name.length, 28);
  h.writeUInt16LE(extra.length, 30);
  h.writeUInt16LE(0, 32); // comment length
  h.writeUInt16LE(0, 34); // disk number start
  h.writeUInt16LE(0, 36); // internal attributes
  // External attributes (§4.4.15): UNIX mode in the high word, MS-DOS directory bit (0x10) low.
  h.writeUInt32LE(((mode << 16) | (r.isDirectory ? 0x10 : 0)) >>> 0, 38);
  h.writeUInt32LE(offset, 42);
  return Buffer.concat([h, r.name, extra]);
}
