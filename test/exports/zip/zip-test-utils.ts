// Helpers for the zip tests: write an archive to a temp file, then open it with Info-ZIP
// `unzip -t`, Python's `zipfile`, and a minimal raw reader of our own (local headers too).
import { execFile } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { type ZipSummary, ZipWriter } from "../../../src/exports/zip/zip-writer.js";

const run = promisify(execFile);

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "hv-zip-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Builds an archive at `path` with `build`, piping `output` to the file. */
export async function writeZip(path: string, build: (zip: ZipWriter) => Promise<void>): Promise<ZipSummary> {
  const zip = new ZipWriter({ mtime: new Date("2025-07-01T12:34:56Z") });
  const done = pipeline(zip.output, createWriteStream(path));
  await build(zip);
  const summary = await zip.finish();
  await done;
  return summary;
}

/** `unzip -t`: resolves with stdout; rejects (non-zero exit) on any error. */
export async function unzipTest(path: string): Promise<string> {
  const { stdout } = await run("/usr/bin/unzip", ["-t", "-q", path], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export interface PyEntry {
  name: string;
  file_size: number;
  compress_size: number;
  crc: number;
  flag_bits: number;
  compress_type: number;
  sha256: string;
  date_time: number[];
}

const PY = `
import hashlib, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    out = []
    for i in z.infolist():
        h = hashlib.sha256()
        with z.open(i) as f:
            while True:
                b = f.read(1 << 20)
                if not b: break
                h.update(b)
        out.append(dict(name=i.filename, file_size=i.file_size, compress_size=i.compress_size,
                        crc=i.CRC, flag_bits=i.flag_bits, compress_type=i.compress_type,
                        sha256=h.hexdigest(), date_time=list(i.date_time)))
    json.dump(dict(testzip=bad, entries=out), sys.stdout)
`;

/** Python `zipfile`: testzip() result plus every entry's metadata and content SHA-256. */
export async function pyInspect(path: string): Promise<{ testzip: string | null; entries: PyEntry[] }> {
  const { stdout } = await run("python3", ["-c", PY, path], { maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(stdout);
}

export interface RawEntry {
  name: string;
  centralFlags: number;
  localFlags: number;
  localName: string;
  localExtraIds: number[];
  centralExtraIds: number[];
}

function extraIds(buf: Buffer): number[] {
  const ids: number[] = [];
  for (let p = 0; p + 4 <= buf.length; p += 4 + buf.readUInt16LE(p + 2)) ids.push(buf.readUInt16LE(p));
  return ids;
}

/** Minimal reader: end records (ZIP64 too), central headers, and each entry's local header. */
export async function readRaw(
  path: string,
): Promise<{ zip64End: boolean; entries: RawEntry[]; eocdEntries: number }> {
  const b = await readFile(path);
  const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error("no end of central directory");
  let count = b.readUInt16LE(eocd + 10);
  let cdOffset = b.readUInt32LE(eocd + 16);
  const zip64End = eocd >= 20 && b.readUInt32LE(eocd - 20) === 0x07064b50;
  if (zip64End) {
    const recOff = Number(b.readBigUInt64LE(eocd - 20 + 8));
    if (b.readUInt32LE(recOff) !== 0x06064b50) throw new Error("bad ZIP64 end record");
    count = Number(b.readBigUInt64LE(recOff + 32));
    cdOffset = Number(b.readBigUInt64LE(recOff + 48));
  }
  const entries: RawEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (b.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central header at ${p}`);
    const flags = b.readUInt16LE(p + 8);
    const nLen = b.readUInt16LE(p + 28);
    const xLen = b.readUInt16LE(p + 30);
    const cLen = b.readUInt16LE(p + 32);
    const localOff = b.readUInt32LE(p + 42);
    const name = b.subarray(p + 46, p + 46 + nLen).toString("utf8");
    const cx = b.subarray(p + 46 + nLen, p + 46 + nLen + xLen);
    if (localOff === 0xffffffff) throw new Error("test reader does not decode ZIP64 offsets");
    if (b.readUInt32LE(localOff) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const lnLen = b.readUInt16LE(localOff + 26);
    const lxLen = b.readUInt16LE(localOff + 28);
    entries.push({
      name,
      centralFlags: flags,
      localFlags: b.readUInt16LE(localOff + 6),
      localName: b.subarray(localOff + 30, localOff + 30 + lnLen).toString("utf8"),
      localExtraIds: extraIds(b.subarray(localOff + 30 + lnLen, localOff + 30 + lnLen + lxLen)),
      centralExtraIds: extraIds(cx),
    });
    p += 46 + nLen + xLen + cLen;
  }
  return { zip64End, entries, eocdEntries: b.readUInt16LE(eocd + 10) };
}
