/**
 * End of central directory records (APPNOTE 6.3.10): the ZIP64 end of central directory
 * record (§4.3.14) and locator (§4.3.15), written when the entry count or a size/offset
 * overflows the classic record, followed by the classic end record (§4.3.16) whose
 * overflowing fields are then 0xFFFF / 0xFFFFFFFF.
 */
import { U32_MAX, VERSION_MADE_BY, VERSION_ZIP64 } from "./zip-headers.js";

export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;

/** Where and how large the central directory is. */
export interface CentralDirectoryInfo {
  entries: number;
  /** Size in bytes of the central directory. */
  size: number;
  /** Offset of the central directory from the start of the archive. */
  offset: number;
}

/** Whether the classic end record cannot hold `cd` (§4.4.1.4: 0xFFFF / 0xFFFFFFFF mean "see ZIP64"). */
export function needsZip64End(cd: CentralDirectoryInfo): boolean {
  return cd.entries >= 0xffff || cd.size >= U32_MAX || cd.offset >= U32_MAX;
}

/**
 * The bytes that end the archive: [ZIP64 end record + locator] + end record. The ZIP64 end
 * record starts right after the central directory (`cd.offset + cd.size`).
 */
export function encodeEnd(cd: CentralDirectoryInfo): Buffer {
  const parts: Buffer[] = [];
  const zip64 = needsZip64End(cd);
  if (zip64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(SIG_ZIP64_EOCD, 0);
    rec.writeBigUInt64LE(44n, 4); // size of the remaining record (§4.3.14.1)
    rec.writeUInt16LE(VERSION_MADE_BY, 12);
    rec.writeUInt16LE(VERSION_ZIP64, 14);
    rec.writeUInt32LE(0, 16); // number of this disk
    rec.writeUInt32LE(0, 20); // disk with the central directory
    rec.writeBigUInt64LE(BigInt(cd.entries), 24);
    rec.writeBigUInt64LE(BigInt(cd.entries), 32);
    rec.writeBigUInt64LE(BigInt(cd.size), 40);
    rec.writeBigUInt64LE(BigInt(cd.offset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(SIG_ZIP64_LOCATOR, 0);
    loc.writeUInt32LE(0, 4); // disk with the ZIP64 end record
    loc.writeBigUInt64LE(BigInt(cd.offset + cd.size), 8);
    loc.writeUInt32LE(1, 16); // total number of disks
    parts.push(rec, loc);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(SIG_EOCD, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(Math.min(cd.entries, 0xffff), 8);
  end.writeUInt16LE(Math.min(cd.entries, 0xffff), 10);
  end.writeUInt32LE(Math.min(cd.size, U32_MAX), 12);
  end.writeUInt32LE(Math.min(cd.offset, U32_MAX), 16);
  end.writeUInt16LE(0, 20); // comment length
  parts.push(end);
  return Buffer.concat(parts);
}
