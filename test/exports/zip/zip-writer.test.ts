import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZipWriter } from "../../../src/exports/zip/zip-writer.js";
import { makeTempDir, pyInspect, readRaw, unzipTest, writeZip } from "./zip-test-utils.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(() => cleanup());

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Incompressible bytes from a generator, one 64 KiB chunk at a time. */
function* noise(total: number, chunk = 64 * 1024): Generator<Buffer> {
  for (let sent = 0; sent < total; sent += chunk) yield randomBytes(Math.min(chunk, total - sent));
}

describe("ZipWriter archives open in unzip and Python zipfile", () => {
  it("writes a valid empty archive", async () => {
    const path = join(dir, "empty.zip");
    const summary = await writeZip(path, async () => {});
    expect(summary).toEqual({ entries: 0, bytes: 22 });
    expect((await stat(path)).size).toBe(22);
    const py = await pyInspect(path);
    expect(py).toEqual({ testzip: null, entries: [] });
    // Info-ZIP reports an empty archive as a warning (exit 1) but it is a valid archive.
    await unzipTest(path).catch((e: { code?: number; stdout?: string }) => {
      expect(e.code).toBe(1);
      expect(e.stdout).toMatch(/zipfile is empty/);
    });
  });

  it("stores and deflates entries from buffers and streams, including 0-byte ones", async () => {
    const path = join(dir, "mixed.zip");
    const text = Buffer.from("candidate,stage\n".repeat(5000));
    const pdf = randomBytes(100_000);
    const summary = await writeZip(path, async (zip) => {
      await zip.addEntry("stored.bin", pdf);
      await zip.addEntry("deflated.csv", text, { compress: true });
      await zip.addEntry("stream-stored.bin", Readable.from(noise(pdf.length)), { size: pdf.length });
      await zip.addEntry(
        "stream-deflated.csv",
        Readable.from([text.subarray(0, 1000), text.subarray(1000)]),
        {
          compress: true,
        },
      );
      await zip.addEntry("empty-buffer.txt", Buffer.alloc(0));
      await zip.addEntry("empty-stream.txt", Readable.from([]), { size: 0 });
      await zip.addEntry("empty-deflated.txt", Readable.from([]), { compress: true });
      await zip.addDirectory("Resumes");
    });
    expect(summary.entries).toBe(8);
    expect(summary.bytes).toBe((await stat(path)).size);
    await unzipTest(path);
    const py = await pyInspect(path);
    expect(py.testzip).toBeNull();
    const byName = Object.fromEntries(py.entries.map((e) => [e.name, e]));
    expect(Object.keys(byName)).toEqual([
      "stored.bin",
      "deflated.csv",
      "stream-stored.bin",
      "stream-deflated.csv",
      "empty-buffer.txt",
      "empty-stream.txt",
      "empty-deflated.txt",
      "Resumes/",
    ]);
    expect(byName["stored.bin"]).toMatchObject({
      file_size: 100_000,
      compress_size: 100_000,
      compress_type: 0,
    });
    expect(byName["stored.bin"]!.crc).toBe(crc32(pdf));
    expect(byName["stored.bin"]!.sha256).toBe(sha(pdf));
    expect(byName["deflated.csv"]).toMatchObject({
      file_size: text.length,
      compress_type: 8,
      crc: crc32(text),
    });
    expect(byName["deflated.csv"]!.compress_size).toBeLessThan(text.length / 10);
    expect(byName["stream-deflated.csv"]!.sha256).toBe(sha(text));
    expect(byName["stream-stored.bin"]).toMatchObject({ file_size: pdf.length, compress_type: 0 });
    for (const e of ["empty-buffer.txt", "empty-stream.txt", "empty-deflated.txt"]) {
      expect(byName[e]).toMatchObject({ file_size: 0, crc: 0 });
    }
    // DOS time written from the UTC fields of mtime.
    expect(byName["stored.bin"]!.date_time).toEqual([2025, 7, 1, 12, 34, 56]);
    for (const e of py.entries) expect(e.flag_bits & 0x800).toBe(0x800);
    // Bit 3 only for stream entries.
    expect(byName["stored.bin"]!.flag_bits & 8).toBe(0);
    expect(byName["stream-stored.bin"]!.flag_bits & 8).toBe(8);
  });

  it("streams a 20 MiB incompressible entry from a generator in constant memory", async () => {
    const path = join(dir, "big.zip");
    const size = 20 * 1024 * 1024;
    const hash = createHash("sha256");
    let crc = 0;
    let pulled = 0;
    let written = 0;
    let maxInFlight = 0;
    function* tracked(): Generator<Buffer> {
      for (const c of noise(size)) {
        hash.update(c);
        crc = crc32(c, crc);
        pulled += c.length;
        maxInFlight = Math.max(maxInFlight, pulled - written);
        yield c;
      }
    }
    const zip = new ZipWriter();
    const counter = new PassThrough({
      transform(chunk: Buffer, _enc, cb) {
        written += chunk.length;
        cb(null, chunk);
      },
    });
    const done = pipeline(zip.output, counter, createWriteStream(path));
    await zip.addEntry("big.bin", Readable.from(tracked()), { size });
    await zip.finish();
    await done;
    // Bytes read from the source but not yet handed to the file: a few 64 KiB chunks at most
    // (the Readable.from buffer, the zip output buffer, the PassThrough buffers), never the entry.
    expect(maxInFlight).toBeLessThanOrEqual(512 * 1024);
    await unzipTest(path);
    const py = await pyInspect(path);
    expect(py.testzip).toBeNull();
    expect(py.entries[0]).toMatchObject({ name: "big.bin", file_size: size, compress_size: size, crc });
    expect(py.entries[0]!.sha256).toBe(hash.digest("hex"));
  });

  it("respects backpressure: nothing more than about a chunk is pushed before the consumer reads", async () => {
    const zip = new ZipWriter();
    let pulled = 0;
    const src = Readable.from(
      (function* () {
        for (const c of noise(4 * 1024 * 1024)) {
          pulled += c.length;
          yield c;
        }
      })(),
    );
    const adding = zip.addEntry("x.bin", src, { size: 4 * 1024 * 1024 });
    await new Promise((r) => setTimeout(r, 100));
    // The output is not consumed: the writer must be waiting, having read only a few chunks.
    expect(pulled).toBeLessThanOrEqual(4 * 64 * 1024);
    expect(zip.output.readableLength).toBeLessThanOrEqual(2 * 64 * 1024 + 1024);
    const sink = new PassThrough();
    sink.resume();
    const done = pipeline(zip.output, sink);
    await adding;
    await zip.finish();
    await done;
    expect(pulled).toBe(4 * 1024 * 1024);
  });

  it("sets bit 11 in local and central headers for non-ASCII and emoji names", async () => {
    const path = join(dir, "utf8.zip");
    const names = [
      "Résumés/Zoë Ångström/CV.pdf",
      "Resumes/Ιωάννης/βιογραφικό.docx",
      "Resumes/田中太郎/履歴書.pdf",
      "Resumes/👩🏽‍💻 Dev/🏳️‍🌈 notes.txt",
      "ascii.txt",
    ];
    await writeZip(path, async (zip) => {
      for (const n of names) await zip.addEntry(n, Buffer.from(n), { compress: n.endsWith(".txt") });
    });
    await unzipTest(path);
    const py = await pyInspect(path);
    expect(py.testzip).toBeNull();
    expect(py.entries.map((e) => e.name)).toEqual(names);
    for (const e of py.entries) {
      expect(e.flag_bits & 0x800).toBe(0x800);
      expect(e.sha256).toBe(sha(Buffer.from(e.name)));
    }
    const raw = await readRaw(path);
    expect(raw.entries.map((e) => e.name)).toEqual(names);
    for (const e of raw.entries) {
      expect(e.centralFlags & 0x800).toBe(0x800);
      expect(e.localFlags & 0x800).toBe(0x800);
      expect(e.localName).toBe(e.name);
      expect(e.localExtraIds).toContain(0x5455);
      expect(e.centralExtraIds).toContain(0x5455);
    }
  });

  it("writes ZIP64 end records for 70,000 entries, readable by unzip and Python", async () => {
    const path = join(dir, "many.zip");
    const n = 70_000;
    const t0 = performance.now();
    const summary = await writeZip(path, async (zip) => {
      for (let i = 0; i < n; i++) {
        await zip.addEntry(`d${i % 100}/f${i}.txt`, Buffer.from(`entry ${i}\n`));
      }
    });
    const writeMs = performance.now() - t0;
    expect(summary.entries).toBe(n);
    const raw = await readRaw(path);
    expect(raw.zip64End).toBe(true);
    expect(raw.eocdEntries).toBe(0xffff);
    expect(raw.entries).toHaveLength(n);
    const out = await unzipTest(path);
    expect(out).toMatch(/No errors detected/);
    const py = await pyInspect(path);
    expect(py.testzip).toBeNull();
    expect(py.entries).toHaveLength(n);
    expect(py.entries[69_999]).toMatchObject({ name: "d99/f69999.txt", file_size: "entry 69999\n".length });
    console.log(
      `70,000 entries: write ${Math.round(writeMs)} ms, total ${Math.round(performance.now() - t0)} ms`,
    );
  });
});

describe("ZipWriter failures", () => {
  it("rejects addEntry and errors the output when the source stream errors midway", async () => {
    const zip = new ZipWriter();
    const outputError = new Promise<Error>((resolve) => zip.output.on("error", resolve));
    zip.output.resume();
    const boom = new Error("ECONNRESET from storage");
    let n = 0;
    const src = new Readable({
      read() {
        this.push(randomBytes(1024));
        if (++n >= 3) this.destroy(boom);
      },
    });
    await expect(zip.addEntry("cv.pdf", src, { size: 10_000 })).rejects.toBe(boom);
    expect(await outputError).toBe(boom);
    expect(zip.output.destroyed).toBe(true);
    await expect(zip.finish()).rejects.toBe(boom);
  });

  it("fails the same way for a deflated source that errors", async () => {
    const zip = new ZipWriter();
    const outputError = new Promise<Error>((resolve) => zip.output.on("error", resolve));
    zip.output.resume();
    const boom = new Error("disk read failed");
    async function* gen() {
      yield Buffer.from("a".repeat(100_000));
      throw boom;
    }
    await expect(zip.addEntry("data.csv", Readable.from(gen()), { compress: true })).rejects.toBe(boom);
    expect(await outputError).toBe(boom);
  });

  it.each([
    ["fewer", 999],
    ["more", 1001],
  ])("rejects when the source delivers %s bytes than size", async (_label, actual) => {
    const zip = new ZipWriter();
    const outputError = new Promise<Error>((resolve) => zip.output.on("error", resolve));
    zip.output.resume();
    const p = zip.addEntry("cv.pdf", Readable.from([randomBytes(actual)]), { size: 1000 });
    await expect(p).rejects.toThrow(/declared/);
    expect((await outputError).message).toMatch(/declared/);
  });

  it("rejects a Buffer whose length differs from size, and a deflated stream with a wrong size", async () => {
    const a = new ZipWriter();
    a.output.on("error", () => {});
    await expect(a.addEntry("a", Buffer.alloc(3), { size: 4 })).rejects.toThrow(/declared size 4/);
    const b = new ZipWriter();
    b.output.on("error", () => {});
    b.output.resume();
    await expect(
      b.addEntry("b", Readable.from([Buffer.alloc(10)]), { size: 4, compress: true }),
    ).rejects.toThrow(/declared/);
  });

  it("destroys output on abort and when the consumer goes away", async () => {
    const zip = new ZipWriter();
    const errs: Error[] = [];
    zip.output.on("error", (e) => errs.push(e));
    zip.abort(new Error("cancelled"));
    await expect(zip.addEntry("a", Buffer.alloc(1))).rejects.toThrow("cancelled");

    const z2 = new ZipWriter();
    z2.output.on("error", () => {});
    const adding = z2.addEntry("big", Readable.from(noise(1024 * 1024)), { size: 1024 * 1024 });
    await new Promise((r) => setTimeout(r, 20));
    z2.output.destroy(new Error("client disconnected"));
    await expect(adding).rejects.toThrow("client disconnected");
  });

  it("requires size for a stored stream (documented decision), without breaking the archive", async () => {
    const path = join(dir, "store-needs-size.zip");
    await writeZip(path, async (zip) => {
      await expect(zip.addEntry("x.xlsx", Readable.from([Buffer.from("x")]))).rejects.toThrow(/needs `size`/);
      await zip.addEntry("x.xlsx", Readable.from([Buffer.from("x")]), { size: 1 });
    });
    await unzipTest(path);
  });

  it("rejects overlapping calls", async () => {
    const zip = new ZipWriter();
    zip.output.resume();
    const a = zip.addEntry("a", Readable.from(noise(256 * 1024)), { size: 256 * 1024 });
    await expect(zip.addEntry("b", Buffer.alloc(1))).rejects.toThrow(/must not overlap/);
    await a;
    await zip.finish();
  });
});

describe("ZipWriter name validation", () => {
  it.each([
    ["", /empty/],
    ["/abs.txt", /absolute/],
    ["a\\b.txt", /backslash/],
    ["../x", /'\.\.'/],
    ["a/../../x", /'\.\.'/],
    ["a/./b", /'\.'/],
    ["a//b", /empty path segment/],
    ["nul\0byte", /NUL/],
    ["C:/x", /drive/],
    ["dir/", /addDirectory/],
    ["bad\uD800", /surrogate/],
  ])("rejects %j", async (name, why) => {
    const zip = new ZipWriter();
    await expect(zip.addEntry(name, Buffer.alloc(1))).rejects.toThrow(why);
    // Validation errors leave the archive usable.
    expect(zip.output.destroyed).toBe(false);
  });

  it("rejects exact duplicates (files and directories) but allows case variants", async () => {
    const path = join(dir, "dups.zip");
    await writeZip(path, async (zip) => {
      await zip.addEntry("a/cv.pdf", Buffer.alloc(1));
      await expect(zip.addEntry("a/cv.pdf", Buffer.alloc(1))).rejects.toThrow(/duplicate/);
      await zip.addDirectory("a");
      await expect(zip.addDirectory("a/")).rejects.toThrow(/duplicate/);
      await zip.addEntry("a/CV.pdf", Buffer.alloc(1));
    });
    const py = await pyInspect(path);
    expect(py.entries.map((e) => e.name)).toEqual(["a/cv.pdf", "a/", "a/CV.pdf"]);
  });
});
