import zlib from "node:zlib";

/** One file of a {@link tinyZip} archive. */
export interface TinyZipEntry {
  /** `/`-separated path inside the archive (UTF-8; the UTF-8 flag is always set). */
  name: string;
  data: Uint8Array;
}

// A fixed modification time (1980-01-01 00:00, the DOS epoch) keeps archives byte-identical
// from run to run: the seed promises deterministic file bytes.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const FLAG_UTF8 = 1 << 11;
const VERSION = 20; // 2.0: the lowest version that allows folders; plenty for STORED entries

/**
 * Builds a ZIP archive with STORED (uncompressed) entries, entirely in memory.
 *
 * Only for the seed's generated DOCX files, which are a few kilobytes (plus an optional padding
 * part a benchmark asks for): buffering is fine there. It writes no ZIP64 records, so it refuses
 * archives that would need them; real exports use the streaming writer instead.
 */
export function tinyZip(entries: readonly TinyZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const data = entry.data;
    const crc = zlib.crc32(data) >>> 0;
    const local = Buffer.alloc(30 + name.length);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(0, 8); // method: stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // extra length
    name.copy(local, 30);

    const central = Buffer.alloc(46 + name.length);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION, 4); // made by: MS-DOS, 2.0
    central.writeUInt16LE(VERSION, 6);
    central.writeUInt16LE(FLAG_UTF8, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number, internal attributes, external attributes: 0
    central.writeUInt32LE(offset, 42);
    name.copy(central, 46);

    locals.push(local, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    centrals.push(central);
    offset += local.length + data.length;
  }
  const centralSize = centrals.reduce((n, c) => n + c.length, 0);
  if (entries.length > 0xffff || offset > 0xffffffff || centralSize > 0xffffffff) {
    throw new Error("tinyZip: archive would need ZIP64, which this builder does not write");
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
