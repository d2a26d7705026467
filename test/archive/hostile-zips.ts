// Hostile (and a few ordinary) zip archives for the reader tests, written byte by byte from
// PKWARE APPNOTE 6.3.10 (§4.3.7 local header, §4.3.12 central header, §4.3.14–16 end records),
// so each fixture can break exactly one rule. Nothing here touches the file system.
import { crc32, deflateRawSync } from "node:zlib";

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const FLAG_UTF8 = 0x0800;
const U32_MAX = 0xffffffff;
/** Host 3 (UNIX) in the high byte, spec 2.0. */
const MADE_BY_UNIX = (3 << 8) | 20;
const MODE_FILE = 0o100644;

/** One entry as the builder writes it; everything not given is derived consistently. */
export interface RawEntry {
  name: string | Buffer;
  /** The bytes written after the local header (already compressed when `method` is 8). */
  data: Buffer;
  method?: number;
  flags?: number;
  crc?: number;
  compressedSize?: number;
  uncompressedSize?: number;
  versionMadeBy?: number;
  /** Unix mode, written to the high 16 bits of the external attributes. */
  mode?: number;
  /** Name in the local header, when it should differ from the central one. */
  localName?: string;
  /** Point the central header at this entry's local header instead of writing one. */
  sameLocalAs?: number;
  /** Write the central sizes and offset as 0xFFFFFFFF with a ZIP64 extra field (§4.5.3). */
  zip64?: boolean;
}

/** A STORE entry holding `content`. */
export function stored(
  name: string | Buffer,
  content: string | Buffer,
  more: Partial<RawEntry> = {},
): RawEntry {
  const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { name, data, crc: crc32(data), uncompressedSize: data.length, ...more };
}

/** A DEFLATE entry holding `content`. */
export function deflated(name: string, content: Buffer, more: Partial<RawEntry> = {}): RawEntry {
  return {
    name,
    data: deflateRawSync(content),
    method: 8,
    crc: crc32(content),
    uncompressedSize: content.length,
    ...more,
  };
}

function nameBytes(name: string | Buffer): Buffer {
  return Buffer.isBuffer(name) ? name : Buffer.from(name, "utf8");
}

function localHeader(e: RawEntry): Buffer {
  const name = Buffer.from(e.localName ?? nameBytes(e.name));
  const h = Buffer.alloc(30);
  h.writeUInt32LE(SIG_LOCAL, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(e.flags ?? FLAG_UTF8, 6);
  h.writeUInt16LE(e.method ?? 0, 8);
  h.writeUInt32LE(e.crc ?? 0, 14);
  h.writeUInt32LE(e.compressedSize ?? e.data.length, 18);
  h.writeUInt32LE(e.uncompressedSize ?? e.data.length, 22);
  h.writeUInt16LE(name.length, 26);
  return Buffer.concat([h, name]);
}

function centralHeader(e: RawEntry, offset: number): Buffer {
  const name = nameBytes(e.name);
  const compressed = e.compressedSize ?? e.data.length;
  const uncompressed = e.uncompressedSize ?? e.data.length;
  let extra = Buffer.alloc(0);
  if (e.zip64) {
    extra = Buffer.alloc(28);
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(uncompressed), 4);
    extra.writeBigUInt64LE(BigInt(compressed), 12);
    extra.writeBigUInt64LE(BigInt(offset), 20);
  }
  const h = Buffer.alloc(46);
  h.writeUInt32LE(SIG_CENTRAL, 0);
  h.writeUInt16LE(e.versionMadeBy ?? MADE_BY_UNIX, 4);
  h.writeUInt16LE(e.zip64 ? 45 : 20, 6);
  h.writeUInt16LE(e.flags ?? FLAG_UTF8, 8);
  h.writeUInt16LE(e.method ?? 0, 10);
  h.writeUInt32LE(e.crc ?? 0, 16);
  h.writeUInt32LE(e.zip64 ? U32_MAX : compressed, 20);
  h.writeUInt32LE(e.zip64 ? U32_MAX : uncompressed, 24);
  h.writeUInt16LE(name.length, 28);
  h.writeUInt16LE(extra.length, 30);
  h.writeUInt32LE(((e.mode ?? MODE_FILE) << 16) >>> 0, 38);
  h.writeUInt32LE(e.zip64 ? U32_MAX : offset, 42);
  return Buffer.concat([h, name, extra]);
}

/** The end records; `declaredEntries` overrides the count (ZIP64 end record when it is ≥ 0xFFFF). */
export function endRecords(at: number, cdSize: number, entries: number): Buffer {
  const parts: Buffer[] = [];
  if (entries >= 0xffff) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(SIG_ZIP64_EOCD, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(45, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeBigUInt64LE(BigInt(entries), 24);
    rec.writeBigUInt64LE(BigInt(entries), 32);
    rec.writeBigUInt64LE(BigInt(cdSize), 40);
    rec.writeBigUInt64LE(BigInt(at - cdSize), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(SIG_ZIP64_LOCATOR, 0);
    loc.writeBigUInt64LE(BigInt(at), 8);
    loc.writeUInt32LE(1, 16);
    parts.push(rec, loc);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(SIG_EOCD, 0);
  end.writeUInt16LE(Math.min(entries, 0xffff), 8);
  end.writeUInt16LE(Math.min(entries, 0xffff), 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(at - cdSize, 16);
  parts.push(end);
  return Buffer.concat(parts);
}

/** Local headers + data, central directory, end records. */
export function buildZip(entries: RawEntry[], opts: { declaredEntries?: number } = {}): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (const e of entries) {
    if (e.sameLocalAs !== undefined) {
      offsets.push(offsets[e.sameLocalAs]!);
      continue;
    }
    offsets.push(at);
    const h = localHeader(e);
    parts.push(h, e.data);
    at += h.length + e.data.length;
  }
  const central = Buffer.concat(entries.map((e, i) => centralHeader(e, offsets[i]!)));
  parts.push(central);
  at += central.length;
  parts.push(endRecords(at, central.length, opts.declaredEntries ?? entries.length));
  return Buffer.concat(parts);
}

// --- One fixture per hostile case (docs/EXPORTS.md#untrusted-archives) ---

/** A single stored entry under `name` (traversal, absolute, drive-letter, backslash names). */
export const namedEntry = (name: string | Buffer): Buffer => buildZip([stored(name, "evil\n")]);

/** A symbolic link to /etc/passwd, as Info-ZIP `zip --symlinks` writes it. */
export const symlinkZip = (): Buffer =>
  buildZip([stored("ok.txt", "fine\n"), stored("passwd", "/etc/passwd", { mode: 0o120777 })]);

/** `A.txt` and `a.txt`: one file when extracted on macOS or Windows. */
export const caseDuplicateZip = (): Buffer =>
  buildZip([stored("A.txt", "upper\n"), stored("a.txt", "lower\n")]);

/** Traditional PKWARE encryption (bit 0): a 12-byte encryption header precedes the data. */
export function encryptedZip(): Buffer {
  const data = Buffer.concat([Buffer.alloc(12, 0xaa), Buffer.from("secret\n")]);
  return buildZip([{ name: "secret.txt", data, flags: FLAG_UTF8 | 1, crc: 0x12345678, uncompressedSize: 7 }]);
}

/** Method 12 (bzip2), which we do not read. */
export const bzip2Zip = (): Buffer =>
  buildZip([
    { name: "data.bz2.txt", data: Buffer.from("BZh91AY&SY fake"), method: 12, uncompressedSize: 100 },
  ]);

/** Nothing but end records declaring 1,000,000 entries (ZIP64 end record) and an empty central directory. */
export function millionEntriesZip(): Buffer {
  // The central directory "size" claims room for them, so only the count limit can refuse it.
  const end = endRecords(0, 0, 1_000_000);
  end.writeBigUInt64LE(BigInt(1_000_000 * 46), 40);
  return end;
}

/**
 * Overlapping-entry bomb (bamsoftware.com/hacks/zipbomb): one highly compressed local entry,
 * many central headers pointing at it, so `n` entries inflate the same kernel.
 */
export function overlapBombZip(n = 3): Buffer {
  const kernel = Buffer.alloc(1024 * 1024); // 1 MiB of zeros, ~1 KB deflated
  const first = deflated("bomb/0.txt", kernel);
  const rest = Array.from({ length: n - 1 }, (_, i) => ({
    ...first,
    name: `bomb/${i + 1}.txt`,
    sameLocalAs: 0,
  }));
  return buildZip([first, ...rest]);
}

/** "Quoted" overlap: the first entry's data covers the second entry's local header. */
export function quotedOverlapZip(): Buffer {
  const inner = buildZip([stored("inner.txt", "inner data\n")]).subarray(0, 30 + 9 + 11);
  const outer = stored("outer.txt", Buffer.concat([Buffer.from("head"), inner]));
  const zip = buildZip([outer, stored("inner.txt", "inner data\n")]);
  // Re-point the second central header at the quoted local header inside outer.txt's data.
  const cd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  zip.writeUInt32LE(30 + 9 + 4, cd + 42);
  return zip;
}

/** 50 MB of zeros deflated to ~50 KB: ratio ~1000. */
export const highRatioZip = (): Buffer => buildZip([deflated("zeros.csv", Buffer.alloc(50 * 1000 * 1000))]);

/** A deflated entry whose central directory declares `declared` uncompressed bytes. */
export function wrongDeclaredSizeZip(actual: Buffer, declared: number): Buffer {
  return buildZip([deflated("tables/candidates.csv", actual, { uncompressedSize: declared })]);
}

/** A stored entry whose compressed and uncompressed sizes differ (yauzl refuses it at open). */
export function storedSizeMismatchZip(): Buffer {
  const data = Buffer.from("0123456789");
  return buildZip([stored("files/x/cv.pdf", data, { uncompressedSize: 20 })]);
}

/** `files/x/cv.pdf` with one byte of its stored data flipped after the CRC was computed. */
export function flippedByteZip(content: Buffer): Buffer {
  const zip = buildZip([stored("manifest.json", "{}"), stored("files/x/cv.pdf", content)]);
  const dataStart = 30 + "manifest.json".length + 2 + 30 + "files/x/cv.pdf".length;
  const at = dataStart + Math.floor(content.length / 2);
  zip.writeUInt8(zip.readUInt8(at) ^ 0x01, at);
  return zip;
}

/** Deterministic pseudo-random bytes (xorshift32), never a zip by accident. */
export function randomBytesSeeded(length: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
