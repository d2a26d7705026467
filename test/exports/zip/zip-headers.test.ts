import { describe, expect, it } from "vitest";
import { dosDateTime } from "../../../src/exports/zip/dos-time.js";
import { planEntry } from "../../../src/exports/zip/entry-plan.js";
import {
  encodeCentralHeader,
  encodeDataDescriptor,
  encodeLocalHeader,
  FLAG_DATA_DESCRIPTOR,
  FLAG_UTF8,
} from "../../../src/exports/zip/zip-headers.js";
import { encodeEnd } from "../../../src/exports/zip/zip64.js";

const GiB = 1024 ** 3;
const name = Buffer.from("Resumes/big.mp4");
const mtime = new Date("2025-07-01T12:00:00Z");

/** Extra fields of a header as id → data. */
function extras(buf: Buffer, start: number, len: number): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  for (let p = start; p < start + len; p += 4 + buf.readUInt16LE(p + 2)) {
    m.set(buf.readUInt16LE(p), buf.subarray(p + 4, p + 4 + buf.readUInt16LE(p + 2)));
  }
  return m;
}

describe("ZIP64 header bytes for a declared 5 GiB entry (APPNOTE 4.5.3)", () => {
  it("stored stream: local header has 0xFFFFFFFF sizes and a ZIP64 extra with both sizes", () => {
    const rec = planEntry({ name, mtime, offset: 6 * GiB, compress: false, size: 5 * GiB });
    expect(rec.localZip64).toBe(true);
    const h = encodeLocalHeader(rec);
    expect(h.readUInt32LE(0)).toBe(0x04034b50);
    expect(h.readUInt16LE(4)).toBe(45); // version needed 4.5
    expect(h.readUInt16LE(6)).toBe(FLAG_UTF8 | FLAG_DATA_DESCRIPTOR);
    expect(h.readUInt32LE(14)).toBe(0); // CRC follows in the data descriptor
    expect(h.readUInt32LE(18)).toBe(0xffffffff);
    expect(h.readUInt32LE(22)).toBe(0xffffffff);
    const x = extras(h, 30 + name.length, h.readUInt16LE(28));
    const z = x.get(0x0001)!;
    expect(z.length).toBe(16);
    expect(Number(z.readBigUInt64LE(0))).toBe(5 * GiB); // original size first
    expect(Number(z.readBigUInt64LE(8))).toBe(5 * GiB); // then compressed size
    expect(x.get(0x5455)!.readUInt32LE(1)).toBe(mtime.getTime() / 1000);

    // After the data: 8-byte sizes in the data descriptor, central ZIP64 extra with sizes + offset.
    rec.crc = 0xdeadbeef;
    const dd = encodeDataDescriptor(rec);
    expect(dd.length).toBe(24);
    expect(dd.readUInt32LE(4)).toBe(0xdeadbeef);
    expect(Number(dd.readBigUInt64LE(8))).toBe(5 * GiB);
    expect(Number(dd.readBigUInt64LE(16))).toBe(5 * GiB);
    const c = encodeCentralHeader(rec);
    expect(c.readUInt16LE(6)).toBe(45);
    expect(c.readUInt16LE(8)).toBe(FLAG_UTF8 | FLAG_DATA_DESCRIPTOR);
    expect(c.readUInt32LE(20)).toBe(0xffffffff);
    expect(c.readUInt32LE(24)).toBe(0xffffffff);
    expect(c.readUInt32LE(42)).toBe(0xffffffff);
    const cz = extras(c, 46 + name.length, c.readUInt16LE(30)).get(0x0001)!;
    expect(cz.length).toBe(24);
    expect(Number(cz.readBigUInt64LE(0))).toBe(5 * GiB);
    expect(Number(cz.readBigUInt64LE(8))).toBe(5 * GiB);
    expect(Number(cz.readBigUInt64LE(16))).toBe(6 * GiB);
  });

  it("deflated stream of unknown or huge size gets a local ZIP64 extra with zero sizes", () => {
    for (const size of [undefined, 5 * GiB, 4 * GiB - 1000]) {
      const rec = planEntry({ name, mtime, offset: 0, compress: true, size });
      expect(rec.localZip64).toBe(true);
      const h = encodeLocalHeader(rec);
      const z = extras(h, 30 + name.length, h.readUInt16LE(28)).get(0x0001)!;
      expect(z.equals(Buffer.alloc(16))).toBe(true);
    }
  });

  it("small entries carry no ZIP64 extra anywhere; only the overflowing field goes central", () => {
    const small = planEntry({ name, mtime, offset: 0, compress: false, size: 1000 });
    expect(small.localZip64).toBe(false);
    const h = encodeLocalHeader(small);
    expect(h.readUInt16LE(4)).toBe(20);
    expect(h.readUInt32LE(18)).toBe(1000); // declared size is in the local header
    expect(extras(h, 30 + name.length, h.readUInt16LE(28)).has(0x0001)).toBe(false);
    expect(encodeDataDescriptor(small).length).toBe(16);
    expect(planEntry({ name, mtime, offset: 0, compress: true, size: 1_000_000 }).localZip64).toBe(false);

    const late = planEntry({ name, mtime, offset: 5 * GiB, compress: false, size: 10 });
    const c = encodeCentralHeader(late);
    expect(c.readUInt32LE(20)).toBe(10);
    expect(c.readUInt32LE(42)).toBe(0xffffffff);
    const cz = extras(c, 46 + name.length, c.readUInt16LE(30)).get(0x0001)!;
    expect(cz.length).toBe(8);
    expect(Number(cz.readBigUInt64LE(0))).toBe(5 * GiB);
  });

  it("end records: ZIP64 record + locator only when needed", () => {
    expect(encodeEnd({ entries: 10, size: 100, offset: 1000 }).length).toBe(22);
    const big = encodeEnd({ entries: 70_000, size: 5_000_000, offset: 5 * GiB });
    expect(big.length).toBe(56 + 20 + 22);
    expect(big.readUInt32LE(0)).toBe(0x06064b50);
    expect(Number(big.readBigUInt64LE(24))).toBe(70_000);
    expect(Number(big.readBigUInt64LE(48))).toBe(5 * GiB);
    expect(big.readUInt32LE(56)).toBe(0x07064b50);
    expect(Number(big.readBigUInt64LE(56 + 8))).toBe(5 * GiB + 5_000_000);
    expect(big.readUInt16LE(76 + 8)).toBe(0xffff);
    expect(big.readUInt32LE(76 + 16)).toBe(0xffffffff);
  });
});

describe("DOS time (UTC fields)", () => {
  it("encodes UTC fields and clamps out-of-range dates", () => {
    const { date, time } = dosDateTime(new Date("2025-07-01T23:59:59Z"));
    expect(date).toBe(((2025 - 1980) << 9) | (7 << 5) | 1);
    expect(time).toBe((23 << 11) | (59 << 5) | 29);
    expect(dosDateTime(new Date("1970-01-01T00:00:00Z"))).toEqual({ date: (1 << 5) | 1, time: 0 });
    expect(dosDateTime(new Date(Number.NaN))).toEqual({ date: (1 << 5) | 1, time: 0 });
  });
});
