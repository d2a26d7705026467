// ZipArchive against hostile archives (docs/EXPORTS.md#untrusted-archives), damaged content
// (docs/EXPORTS.md#verifying-an-export) and archives of our own ZipWriter. Every refusal asserts
// the ArchiveError code and the entry named by the message. Files live in one mkdtemp directory,
// removed at the end.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { displayName } from "../../src/archive/archive-error.js";
import {
  ArchiveError,
  type ArchiveErrorCode,
  DEFAULT_LIMITS,
  ZipArchive,
} from "../../src/archive/zip-reader.js";
import { writeZip } from "../exports/zip/zip-test-utils.js";
import {
  buildZip,
  bzip2Zip,
  caseDuplicateZip,
  deflated,
  encryptedZip,
  flippedByteZip,
  highRatioZip,
  millionEntriesZip,
  namedEntry,
  overlapBombZip,
  quotedOverlapZip,
  randomBytesSeeded,
  stored,
  storedSizeMismatchZip,
  symlinkZip,
  wrongDeclaredSizeZip,
} from "./hostile-zips.js";

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hv-archive-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Writes `bytes` to a fresh file in the temp dir. */
async function put(bytes: Buffer): Promise<string> {
  const path = join(dir, `fixture-${++n}.zip`);
  await writeFile(path, bytes);
  return path;
}

async function refusal(bytes: Buffer, limits?: Parameters<typeof ZipArchive.open>[1]): Promise<ArchiveError> {
  const path = await put(bytes);
  const err = await ZipArchive.open(path, limits).then(
    async (zip) => {
      await zip.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArchiveError);
  return err as ArchiveError;
}

/** Opening `bytes` fails with `code`, naming `entry` (or, for archive-level codes, no entry). */
async function expectRefused(
  bytes: Buffer,
  code: ArchiveErrorCode,
  entry: string | undefined,
  limits?: Parameters<typeof ZipArchive.open>[1],
): Promise<ArchiveError> {
  const err = await refusal(bytes, limits);
  expect({ code: err.code, entry: err.entry }).toEqual({ code, entry });
  if (entry !== undefined) expect(err.message.startsWith(`${displayName(entry)}: `)).toBe(true);
  return err;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Byte equality without vitest's element-wise diff (slow on 100 KB+ buffers). */
function expectSameBytes(actual: Buffer, expected: Buffer): void {
  expect(actual.length).toBe(expected.length);
  expect(actual.equals(expected)).toBe(true);
}

/** Reading `name` fails with an ArchiveError naming it. */
async function readFailure(zip: ZipArchive, name: string): Promise<ArchiveError> {
  const err = await readAll(await zip.openEntry(name)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArchiveError);
  const e = err as ArchiveError;
  expect(e.entry).toBe(name);
  expect(e.message.startsWith(`${name}: `)).toBe(true);
  return e;
}

describe("ZipArchive.open refuses unsafe names before anything is read (docs/EXPORTS.md#untrusted-archives)", () => {
  it.each([
    ["../evil.txt", "'..' path segment"],
    ["a/../../evil", "'..' path segment"],
    ["/etc/passwd", "absolute path"],
    ["C:\\evil", "drive letter"],
    ["C:evil", "drive letter"],
    ["a\\b.txt", "backslash"],
    ["a//b", "empty path segment"],
    ["./a.txt", "'.' path segment"],
    ["a/./b.txt", "'.' path segment"],
    ["dir/../", "'..' path segment"],
    ["", "empty name"],
    ["a\u0000b.txt", "control character"],
    ["line\nbreak.txt", "control character"],
    ["cv\u202Efdp.exe", "bidirectional control"],
  ])("%j → unsafe_name", async (name, why) => {
    const err = await expectRefused(namedEntry(name), "unsafe_name", name);
    expect(err.message).toContain(why);
  });

  it("writes nothing anywhere while refusing", async () => {
    const before = await readdir(dir);
    for (const name of ["../evil.txt", "a/../../evil", "/tmp/evil", "C:\\evil"]) {
      await refusal(namedEntry(name));
    }
    const after = await readdir(dir);
    expect(after.filter((f) => !before.includes(f)).every((f) => f.startsWith("fixture-"))).toBe(true);
    expect(existsSync(join(dir, "..", "evil.txt"))).toBe(false);
    expect(existsSync(join(dir, "evil"))).toBe(false);
  });

  it("refuses a name that is not UTF-8, and a non-ASCII name without the UTF-8 flag", async () => {
    const bad = Buffer.from([0x63, 0x76, 0xff, 0x2e, 0x70, 0x64, 0x66]);
    await expectRefused(namedEntry(bad), "unsafe_name", bad.toString("utf8"));
    const cp437 = buildZip([stored(Buffer.from("café.txt", "utf8"), "x", { flags: 0 })]);
    const err = await expectRefused(cp437, "unsafe_name", "café.txt");
    expect(err.message).toContain("UTF-8 flag");
  });

  it("refuses a local header whose name differs from the central directory's", async () => {
    const zip = buildZip([stored("report.csv", "a,b\n", { localName: "../x.csv" })]);
    const err = await expectRefused(zip, "unsafe_name", "report.csv");
    expect(err.message).toContain('"../x.csv"');
  });
});

describe("ZipArchive.open refuses hostile entries", () => {
  it("symlink entry → symlink", async () => {
    await expectRefused(symlinkZip(), "symlink", "passwd");
  });

  it("A.txt / a.txt → duplicate_name (they collide on macOS and Windows)", async () => {
    const err = await expectRefused(caseDuplicateZip(), "duplicate_name", "a.txt");
    expect(err.message).toContain('"A.txt"');
  });

  it("the same name twice, NFC/NFD twins, and a file that another entry needs as a folder → duplicate_name", async () => {
    await expectRefused(buildZip([stored("x.txt", "1"), stored("x.txt", "2")]), "duplicate_name", "x.txt");
    const nfd = "cafe\u0301.txt";
    await expectRefused(buildZip([stored("caf\u00e9.txt", "1"), stored(nfd, "2")]), "duplicate_name", nfd);
    await expectRefused(buildZip([stored("a", "file"), stored("A/b.txt", "2")]), "duplicate_name", "A/b.txt");
    await expectRefused(buildZip([stored("a/b.txt", "1"), stored("A", "file")]), "duplicate_name", "A");
    await expectRefused(buildZip([stored("d/", ""), stored("D/", "")]), "duplicate_name", "D/");
  });

  it("encrypted entry → encrypted", async () => {
    await expectRefused(encryptedZip(), "encrypted", "secret.txt");
  });

  it("bzip2 (method 12) → unsupported_method", async () => {
    const err = await expectRefused(bzip2Zip(), "unsupported_method", "data.bz2.txt");
    expect(err.message).toContain("method 12");
  });

  it("an end record declaring 1,000,000 entries → too_many_entries, fast, without reading entries", async () => {
    const path = await put(millionEntriesZip());
    const t0 = performance.now();
    const err = (await ZipArchive.open(path).catch((e: unknown) => e)) as ArchiveError;
    const ms = performance.now() - t0;
    expect(err).toBeInstanceOf(ArchiveError);
    expect({ code: err.code, entry: err.entry }).toEqual({ code: "too_many_entries", entry: undefined });
    expect(err.message).toContain("1000000 entries");
    expect(err.message).toContain(String(DEFAULT_LIMITS.maxEntries));
    expect(ms).toBeLessThan(1000);
  });

  it("more entries than a lowered maxEntries → too_many_entries", async () => {
    const zip = buildZip([stored("a", "1"), stored("b", "2"), stored("c", "3")]);
    await expectRefused(zip, "too_many_entries", undefined, { maxEntries: 2 });
  });

  it("overlapping-entry bomb (central headers sharing local data) → overlap", async () => {
    const err = await expectRefused(overlapBombZip(3), "overlap", "bomb/1.txt");
    expect(err.message).toContain('"bomb/0.txt"');
  });

  it("quoted overlap (a local header inside another entry's data) → overlap", async () => {
    await expectRefused(quotedOverlapZip(), "overlap", "inner.txt");
  });

  it("50 MB of zeros deflated (ratio ~1000) → ratio", async () => {
    const err = await expectRefused(highRatioZip(), "ratio", "zeros.csv");
    expect(err.message).toMatch(/ratio \d+:1/);
  });

  it("declared sizes above maxEntryBytes or maxTotalBytes → too_large", async () => {
    const big = buildZip([stored("big.bin", Buffer.alloc(2000))]);
    await expectRefused(big, "too_large", "big.bin", { maxEntryBytes: 1000 });
    const two = buildZip([stored("one.bin", Buffer.alloc(600)), stored("two.bin", Buffer.alloc(600))]);
    await expectRefused(two, "too_large", "two.bin", { maxTotalBytes: 1000 });
  });

  it("a stored entry whose two declared sizes differ → size_mismatch at open", async () => {
    await expectRefused(storedSizeMismatchZip(), "size_mismatch", "files/x/cv.pdf");
  });

  it("an entry whose data runs past the end of the file → truncated", async () => {
    const zip = buildZip([deflated("t.csv", Buffer.from("a,b\n"), { compressedSize: 1_000_000 })]);
    await expectRefused(zip, "truncated", "t.csv");
  });

  it("random bytes, an empty file and a short file → not_zip", async () => {
    await expectRefused(randomBytesSeeded(64 * 1024), "not_zip", undefined);
    await expectRefused(Buffer.alloc(0), "not_zip", undefined);
    await expectRefused(Buffer.from("PK"), "not_zip", undefined);
  });

  it("an archive cut in half → truncated", async () => {
    const whole = buildZip(
      Array.from({ length: 20 }, (_, i) => stored(`files/${i}.txt`, `content ${i}\n`.repeat(50))),
    );
    const err = await expectRefused(whole.subarray(0, whole.length >> 1), "truncated", undefined);
    expect(err.message).toContain("cut off");
  });

  it("a central directory beyond the end of the file → truncated", async () => {
    const zip = buildZip([stored("a.txt", "a")]);
    zip.writeUInt32LE(10_000, zip.length - 22 + 16); // central directory offset
    await expectRefused(zip, "truncated", undefined);
  });

  it("a non-existent file rejects with the I/O error, not an ArchiveError", async () => {
    const err = (await ZipArchive.open(join(dir, "missing.zip")).catch(
      (e: unknown) => e,
    )) as NodeJS.ErrnoException;
    expect(err).not.toBeInstanceOf(ArchiveError);
    expect(err.code).toBe("ENOENT");
  });

  it("refusals leave no file descriptor open", async () => {
    if (!existsSync("/proc/self/fd")) return;
    const fds = async () => (await readdir("/proc/self/fd")).length;
    const before = await fds();
    for (let i = 0; i < 20; i++) {
      await refusal(overlapBombZip(2));
      await refusal(randomBytesSeeded(1000, i + 1));
      await refusal(namedEntry("../x"));
    }
    expect(await fds()).toBe(before);
  });
});

describe("ZipArchive reading checks every byte (docs/EXPORTS.md#verifying-an-export)", () => {
  it("a flipped byte in a stored CV → crc_mismatch naming it, on read; other entries still read", async () => {
    const cv = Buffer.from("%PDF-1.7\n".repeat(200));
    const zip = await ZipArchive.open(await put(flippedByteZip(cv)));
    try {
      expect(await zip.readText("manifest.json", 100)).toBe("{}");
      const err = await readFailure(zip, "files/x/cv.pdf");
      expect(err.code).toBe("crc_mismatch");
      expect(err.message).toMatch(
        new RegExp(
          `^files/x/cv\\.pdf: CRC-32 mismatch \\(expected ${crc32(cv).toString(16).padStart(8, "0")}, got [0-9a-f]{8}\\)$`,
        ),
      );
    } finally {
      await zip.close();
    }
  });

  it("deflated data holding more or fewer bytes than declared → size_mismatch on read", async () => {
    const csv = Buffer.from("id,name\n".repeat(10_000)); // 80,000 bytes
    for (const declared of [csv.length - 1000, csv.length + 1000]) {
      const zip = await ZipArchive.open(await put(wrongDeclaredSizeZip(csv, declared)));
      try {
        const err = await readFailure(zip, "tables/candidates.csv");
        expect(err.code).toBe("size_mismatch");
        expect(err.message).toContain(String(declared));
      } finally {
        await zip.close();
      }
    }
  });

  it("damaged DEFLATE data → crc_mismatch naming the entry", async () => {
    const entry = deflated("tables/x.csv", Buffer.from("a,b\n".repeat(1000)));
    entry.data = Buffer.from(entry.data);
    entry.data[0] = 0xff; // block type 3: invalid
    const zip = await ZipArchive.open(await put(buildZip([entry])));
    try {
      const err = await readFailure(zip, "tables/x.csv");
      expect(err.code).toBe("crc_mismatch");
      expect(err.message).toContain("damaged DEFLATE data");
    } finally {
      await zip.close();
    }
  });
});

describe("ZipArchive reads archives written by our ZipWriter", () => {
  it("lists entries in order, streams exact bytes, reads text", async () => {
    const path = join(dir, "ours.zip");
    const manifest = JSON.stringify({ format: "snapshot", version: 1, files: { "files/a/cv.pdf": "x" } });
    const pdf = randomBytesSeeded(300_000, 7);
    const csv = Buffer.from("id,name\r\n".repeat(50_000));
    await writeZip(path, async (zip) => {
      await zip.addEntry("manifest.json", Buffer.from(manifest), { compress: true });
      await zip.addDirectory("files");
      await zip.addEntry("files/a/cv.pdf", Readable.from([pdf.subarray(0, 1000), pdf.subarray(1000)]), {
        size: pdf.length,
      });
      await zip.addEntry("tables/candidates.csv", Readable.from([csv]), { compress: true });
      await zip.addEntry("files/Résumé café.txt", Buffer.from("é\n"));
      await zip.addEntry("empty.txt", Buffer.alloc(0));
    });
    const zip = await ZipArchive.open(path);
    try {
      expect(zip.path).toBe(path);
      expect([...zip.entries.keys()]).toEqual([
        "manifest.json",
        "files/",
        "files/a/cv.pdf",
        "tables/candidates.csv",
        "files/Résumé café.txt",
        "empty.txt",
      ]);
      expect(zip.entries.get("files/a/cv.pdf")).toEqual({
        name: "files/a/cv.pdf",
        compressedSize: pdf.length,
        uncompressedSize: pdf.length,
        crc32: crc32(pdf),
        compressionMethod: 0,
        isDirectory: false,
      });
      expect(zip.entries.get("files/")?.isDirectory).toBe(true);
      expect(zip.entries.get("tables/candidates.csv")?.compressionMethod).toBe(8);
      expectSameBytes(await readAll(await zip.openEntry("files/a/cv.pdf")), pdf);
      expectSameBytes(await readAll(await zip.openEntry("tables/candidates.csv")), csv);
      expect(await readAll(await zip.openEntry("empty.txt"))).toEqual(Buffer.alloc(0));
      expect(await readAll(await zip.openEntry("files/"))).toEqual(Buffer.alloc(0));
      expect(await zip.readText("manifest.json", 64 * 1024)).toBe(manifest);
      expect(await zip.readText("files/Résumé café.txt", 10)).toBe("é\n");
      // Several entries may be read at once.
      const [a, b] = await Promise.all([
        zip.openEntry("files/a/cv.pdf"),
        zip.openEntry("tables/candidates.csv"),
      ]);
      const [ra, rb] = await Promise.all([readAll(a), readAll(b)]);
      expectSameBytes(ra, pdf);
      expectSameBytes(rb, csv);

      const tooBig = (await zip
        .readText("tables/candidates.csv", 1000)
        .catch((e: unknown) => e)) as ArchiveError;
      expect({ code: tooBig.code, entry: tooBig.entry }).toEqual({
        code: "too_large",
        entry: "tables/candidates.csv",
      });
      await expect(zip.openEntry("nope.txt")).rejects.toThrow(/no entry "nope.txt"/);
    } finally {
      await zip.close();
    }
  });

  it("reads ZIP64 central headers (sizes and offset in the 0x0001 extra field)", async () => {
    const content = Buffer.from("zip64 entry\n".repeat(100));
    const zip = await ZipArchive.open(
      await put(
        buildZip([stored("a.txt", content, { zip64: true }), deflated("b.txt", content, { zip64: true })]),
      ),
    );
    try {
      expect(zip.entries.get("a.txt")?.uncompressedSize).toBe(content.length);
      expectSameBytes(await readAll(await zip.openEntry("a.txt")), content);
      expectSameBytes(await readAll(await zip.openEntry("b.txt")), content);
    } finally {
      await zip.close();
    }
    // …and still finds overlaps among ZIP64-resolved offsets.
    const first = stored("a.txt", content, { zip64: true });
    await expectRefused(buildZip([first, { ...first, name: "b.txt", sameLocalAs: 0 }]), "overlap", "b.txt");
  });

  it("opens 70,000 entries with ZIP64 end records", async () => {
    const path = join(dir, "many.zip");
    const count = 70_000;
    await writeZip(path, async (zip) => {
      for (let i = 0; i < count; i++)
        await zip.addEntry(`d${i % 100}/f${i}.txt`, Buffer.from(`entry ${i}\n`));
    });
    const t0 = performance.now();
    const zip = await ZipArchive.open(path);
    const openMs = performance.now() - t0;
    try {
      expect(zip.entries.size).toBe(count);
      const names = [...zip.entries.keys()];
      expect(names[0]).toBe("d0/f0.txt");
      expect(names[count - 1]).toBe("d99/f69999.txt");
      expect(await zip.readText("d99/f69999.txt", 100)).toBe("entry 69999\n");
    } finally {
      await zip.close();
    }
    console.log(`open 70,000 entries: ${Math.round(openMs)} ms`);
  });

  it("close() destroys streams still open, is idempotent, and refuses later reads", async () => {
    const path = await put(buildZip([stored("a.bin", randomBytesSeeded(1024 * 1024))]));
    const zip = await ZipArchive.open(path);
    const stream = await zip.openEntry("a.bin");
    const closed = new Promise((resolve) => stream.once("close", resolve));
    await Promise.all([zip.close(), zip.close()]);
    await closed;
    expect(stream.destroyed).toBe(true);
    await expect(zip.openEntry("a.bin")).rejects.toThrow(/closed/);
  });
});
