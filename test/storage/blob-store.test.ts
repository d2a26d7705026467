import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BlobNotFoundError,
  type BlobStore,
  type ByteRange,
  InvalidBlobKeyError,
  InvalidByteRangeError,
  RangeNotSatisfiableError,
} from "../../src/storage/blob-store.js";
import { type BlobBackend, blobBackends } from "../support/blob-backends.js";
import { failingStream, randomStream, readAll, sha256Of, stallingStream } from "./stream-helpers.js";

// The contract every BlobStore must meet, run against real backends: files in a temp dir, and a
// real S3 API (s3rver) on loopback, started by test/support/blob-backends.ts.

const MiB = 1024 * 1024;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe.each(blobBackends)("BlobStore contract: $name", ({ start }) => {
  let b: BlobBackend;
  let store: BlobStore;
  const text = async (key: string) => (await readAll(await store.get(key))).toString("utf8");
  const requestsMatching = (pattern: RegExp) => b.requests?.filter((r) => pattern.test(r)).length;

  beforeAll(async () => {
    b = await start();
    store = b.store;
  });
  afterAll(async () => {
    await b?.stop();
  });

  describe("put and get", () => {
    it("round-trips a multi-chunk stream byte for byte", async () => {
      const chunks = [randomBytes(70_000), randomBytes(1), randomBytes(130_001)];
      const expected = Buffer.concat(chunks);
      const info = await store.put("roundtrip/stream", Readable.from(chunks), {
        contentType: "application/pdf",
      });
      expect(info).toMatchObject({ key: "roundtrip/stream", size: expected.length });
      expect((await readAll(await store.get("roundtrip/stream"))).equals(expected)).toBe(true);
      expect(await store.head("roundtrip/stream")).toMatchObject({
        key: "roundtrip/stream",
        size: expected.length,
      });
    });

    it("stores exactly the bytes of a Uint8Array view, not its whole backing buffer", async () => {
      const backing = Buffer.from("<<hello bytes>>");
      const view = new Uint8Array(backing.buffer, backing.byteOffset + 2, 11);
      expect(await store.put("roundtrip/bytes", view)).toMatchObject({ size: 11 });
      expect(await text("roundtrip/bytes")).toBe("hello bytes");
    });

    it("replaces an existing blob", async () => {
      await store.put("roundtrip/overwrite", Buffer.from("version one, longer"));
      await store.put("roundtrip/overwrite", Buffer.from("v2"));
      expect(await text("roundtrip/overwrite")).toBe("v2");
      expect((await store.head("roundtrip/overwrite"))?.size).toBe(2);
    });

    it("stores empty blobs from bytes and from streams", async () => {
      expect(await store.put("roundtrip/empty-bytes", Buffer.alloc(0))).toMatchObject({ size: 0 });
      expect(await store.put("roundtrip/empty-stream", Readable.from([]))).toMatchObject({ size: 0 });
      expect((await readAll(await store.get("roundtrip/empty-stream"))).length).toBe(0);
      expect((await store.head("roundtrip/empty-bytes"))?.size).toBe(0);
    });

    it("streams a 20 MiB body in and out intact (multipart on S3)", { timeout: 30_000 }, async () => {
      const key = "big/20mib.bin";
      const source = randomStream(20 * MiB);
      b.requests?.splice(0);
      const info = await store.put(key, source.stream);
      expect(info.size).toBe(20 * MiB);
      expect(await sha256Of(await store.get(key))).toBe(source.sha256());
      if (b.requests) {
        // s3rver 3.7 gives multipart objects a plain MD5 ETag (real S3 appends "-<parts>"), so the
        // proof of a multipart upload is on the wire: one CreateMultipartUpload, 8+8+4 MiB parts.
        expect(requestsMatching(/^POST \/test-bucket\/big\/20mib\.bin\?uploads/)).toBe(1);
        expect(requestsMatching(/^PUT \/test-bucket\/big\/20mib\.bin\?partNumber=\d/)).toBe(3);
        expect(requestsMatching(/^PUT \/test-bucket\/big\/20mib\.bin(\?x-id=PutObject)?$/)).toBe(0);
        expect(info.etag).toBe((await store.head(key))?.etag);
      }
    });
  });

  describe("ranges", () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    beforeAll(async () => {
      await store.put("range/blob", data);
    });

    it.each<{ name: string; range: ByteRange; from: number; to: number }>([
      { name: "the first 100 bytes", range: { start: 0, end: 99 }, from: 0, to: 100 },
      { name: "a middle span", range: { start: 250, end: 749 }, from: 250, to: 750 },
      { name: "an open-ended range", range: { start: 900 }, from: 900, to: 1000 },
      { name: "the last byte", range: { start: 999, end: 999 }, from: 999, to: 1000 },
      {
        name: "an end past the last byte (clamped, as HTTP does)",
        range: { start: 990, end: 5000 },
        from: 990,
        to: 1000,
      },
    ])("reads $name", async ({ range, from, to }) => {
      expect(await readAll(await store.get("range/blob", range))).toEqual(data.subarray(from, to));
    });

    it.each<ByteRange>([{ start: 1000 }, { start: 1000, end: 1000 }, { start: 5000, end: 6000 }])(
      "rejects %o, which starts past the end, with the object size",
      async (range) => {
        const err = await store.get("range/blob", range).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RangeNotSatisfiableError);
        expect(err).toMatchObject({ key: "range/blob", size: 1000 });
      },
    );

    it("rejects any range on an empty blob", async () => {
      await store.put("range/empty", Buffer.alloc(0));
      await expect(store.get("range/empty", { start: 0 })).rejects.toMatchObject({
        name: "RangeNotSatisfiableError",
        size: 0,
      });
    });

    it.each<ByteRange>([{ start: -1 }, { start: 10, end: 9 }, { start: 1.5 }, { start: 0, end: Number.NaN }])(
      "rejects the malformed range %o before touching storage",
      async (range) => {
        await expect(store.get("range/blob", range)).rejects.toBeInstanceOf(InvalidByteRangeError);
        await expect(store.get("range/missing", range)).rejects.toBeInstanceOf(InvalidByteRangeError);
      },
    );
  });

  describe("missing keys", () => {
    it("head returns null", async () => {
      expect(await store.head("missing/nothing")).toBeNull();
    });

    it("get throws BlobNotFoundError carrying the key, with or without a range", async () => {
      const err = await store.get("missing/nothing").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BlobNotFoundError);
      expect(err).toMatchObject({ key: "missing/nothing" });
      await expect(store.get("missing/nothing", { start: 0, end: 9 })).rejects.toBeInstanceOf(
        BlobNotFoundError,
      );
    });

    it("a key below an existing blob is simply missing", async () => {
      await store.put("missing/file", Buffer.from("x"));
      expect(await store.head("missing/file/child")).toBeNull();
      await expect(store.get("missing/file/child")).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store.delete("missing/file/child")).resolves.toBeUndefined();
      expect(await text("missing/file")).toBe("x");
    });
  });

  describe("delete", () => {
    it("removes the blob, and deleting it again or a never-stored key succeeds", async () => {
      await store.put("del/one", Buffer.from("x"));
      await store.delete("del/one");
      expect(await store.head("del/one")).toBeNull();
      await expect(store.get("del/one")).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store.delete("del/one")).resolves.toBeUndefined();
      await expect(store.delete("del/never/stored")).resolves.toBeUndefined();
    });

    it("keeps sibling blobs", async () => {
      await store.put("del/two/a", Buffer.from("a"));
      await store.put("del/two/b", Buffer.from("b"));
      await store.delete("del/two/a");
      expect((await collect(store.list("del/two/"))).map((i) => i.key)).toEqual(["del/two/b"]);
    });
  });

  describe("list", () => {
    const keys = ["list/a/1", "list/a/2", "list/a/3", "list/a/sub/4", "list/a/sub/5"];
    beforeAll(async () => {
      for (const [i, key] of keys.entries()) await store.put(key, Buffer.alloc(i + 1));
      // Neighbours that a folder-based prefix match would get wrong. (No "list/a-x": S3 sorts it
      // before "list/a/…" but s3rver walks folders first and loses it across pages; the local
      // store's own tests cover that order.)
      await store.put("list/ab", Buffer.from("b"));
      await store.put("list/b/1", Buffer.from("1"));
    });

    it("lists everything under a folder prefix with sizes, in key order, across pages", async () => {
      b.requests?.splice(0);
      const listed = await collect(store.list("list/a/"));
      expect(listed.map((i) => i.key)).toEqual(keys);
      expect(listed.map((i) => i.size)).toEqual([1, 2, 3, 4, 5]);
      // 5 keys at 2 per page: pagination must have followed two continuation tokens.
      if (b.requests) expect(requestsMatching(/list-type=2/)).toBe(3);
    });

    it("treats the prefix as a plain string, not a folder", async () => {
      const listed = await collect(store.list("list/a"));
      expect(listed.map((i) => i.key)).toEqual([...keys, "list/ab"]);
      expect((await collect(store.list("list/a/s"))).map((i) => i.key)).toEqual([
        "list/a/sub/4",
        "list/a/sub/5",
      ]);
    });

    it("yields nothing for a prefix with no blobs", async () => {
      expect(await collect(store.list("list/none/"))).toEqual([]);
      expect(await collect(store.list("nothing-here"))).toEqual([]);
    });

    it("fetches no further pages than the caller consumes", async () => {
      b.requests?.splice(0);
      for await (const first of store.list("list/a/")) {
        expect(first.key).toBe("list/a/1");
        break;
      }
      if (b.requests) expect(requestsMatching(/list-type=2/)).toBe(1);
    });
  });

  describe("sweeping: scan, listFolders, deleteMany", () => {
    // "d" holds no file directly, only a folder: it is a folder all the same.
    const keys = [
      "sweep/a/1",
      "sweep/a/2",
      "sweep/a/deep/3",
      "sweep/b/4",
      "sweep/c/5",
      "sweep/d/deep/6",
      "sweep/top",
      "sweepy/7",
    ];
    beforeAll(async () => {
      for (const [i, key] of keys.entries()) await store.put(key, Buffer.alloc(i + 1));
    });

    it("scan yields every blob under the prefix once, with size and age, across pages", async () => {
      b.requests?.splice(0);
      const scanned = await collect(store.scan("sweep/"));
      expect(scanned.map((i) => i.key).sort()).toEqual(keys.filter((k) => k.startsWith("sweep/")).sort());
      for (const i of scanned) {
        expect(i.size).toBe(keys.indexOf(i.key) + 1);
        expect(i.lastModified).toBeInstanceOf(Date);
      }
      // 7 keys at 2 per page: S3 is scanned a page at a time, never in one request.
      if (b.requests) expect(requestsMatching(/list-type=2/)).toBe(4);
      expect((await collect(store.scan("sweep/a"))).map((i) => i.key).sort()).toEqual([
        "sweep/a/1",
        "sweep/a/2",
        "sweep/a/deep/3",
      ]);
      expect(await collect(store.scan("sweep/none/"))).toEqual([]);
    });

    it("listFolders names the folders right below a prefix, not the blobs", async () => {
      expect((await collect(store.listFolders("sweep/"))).sort()).toEqual(["a", "b", "c", "d"]);
      expect((await collect(store.listFolders(""))).sort()).toContain("sweep");
      expect(await collect(store.listFolders("sweep/a/deep/"))).toEqual([]);
      expect(await collect(store.listFolders("sweep/none/"))).toEqual([]);
      await expect(collect(store.listFolders("sweep/a"))).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(collect(store.listFolders("../"))).rejects.toBeInstanceOf(InvalidBlobKeyError);
    });

    it("deleteMany removes exactly the keys given, missing ones included, in one request on S3", async () => {
      b.requests?.splice(0);
      await store.deleteMany(["sweep/a/1", "sweep/a/deep/3", "sweep/never/stored"]);
      if (b.requests)
        expect(b.requests.filter((r) => r.startsWith("POST") && /\?delete/.test(r))).toHaveLength(1);
      expect((await collect(store.list("sweep/a/"))).map((i) => i.key)).toEqual(["sweep/a/2"]);
      await store.deleteMany([]);
      await expect(store.deleteMany(["sweep/../x"])).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.deleteMany(Array.from({ length: 1001 }, (_, i) => `k/${i}`))).rejects.toBeInstanceOf(
        RangeError,
      );
    });

    it("a scan goes on while the blobs it yielded are deleted, and sees each of the others once", async () => {
      const seen: string[] = [];
      for await (const blob of store.scan("sweep/")) {
        seen.push(blob.key);
        await store.deleteMany([blob.key]);
      }
      expect(seen.sort()).toEqual(["sweep/a/2", "sweep/b/4", "sweep/c/5", "sweep/d/deep/6", "sweep/top"]);
      expect(await collect(store.scan("sweep/"))).toEqual([]);
      expect((await collect(store.list("sweepy/"))).map((i) => i.key)).toEqual(["sweepy/7"]);
    });
  });

  describe("key validation", () => {
    const invalid = ["../x", "/abs", "a\\b", "a//b", "", "a/./b", "a/", "a/..", "nul\u0000byte", "tab\there"];

    it.each(invalid.map((key) => ({ key, shown: JSON.stringify(key) })))(
      "rejects $shown in every method",
      async ({ key }) => {
        await expect(store.put(key, Buffer.from("x"))).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store.head(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      },
    );

    it("measures the 1024 limit in UTF-8 bytes", async () => {
      // Several segments: the local store also has to respect 255-byte file names.
      const key = `${["a", "b", "c", "d"].map((c) => c.repeat(200)).join("/")}/${"é".repeat(110)}`;
      expect(Buffer.byteLength(key)).toBe(1024);
      await store.put(key, Buffer.from("long"));
      expect(await text(key)).toBe("long");
      // One more byte is too many; so is swapping a 1-byte character for a 2-byte one.
      await expect(store.put(`${key}y`, Buffer.from("x"))).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.head(`é${key.slice(1)}`)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    });

    it("rejects unsafe list prefixes", async () => {
      for (const prefix of ["../", "/abs", "a//", "a\\"]) {
        await expect(collect(store.list(prefix))).rejects.toBeInstanceOf(InvalidBlobKeyError);
      }
    });

    it("destroys a stream body it refuses, so its file handle is not leaked", async () => {
      const body = Readable.from([Buffer.from("x")]);
      await expect(store.put("../escape", body)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      expect(body.destroyed).toBe(true);
    });
  });

  describe("failed puts", () => {
    it("a source stream failing midway rejects and keeps the previous blob", async () => {
      await store.put("fail/existing", Buffer.from("v1"));
      const failing = failingStream(randomBytes(64 * 1024), new Error("client went away"));
      await expect(store.put("fail/existing", failing)).rejects.toThrow("client went away");
      expect(await text("fail/existing")).toBe("v1");
    });

    it("a source stream failing midway leaves nothing under a new key", async () => {
      const failing = failingStream(randomBytes(64 * 1024), new Error("client went away"));
      await expect(store.put("fail/new", failing)).rejects.toThrow("client went away");
      expect(await store.head("fail/new")).toBeNull();
    });

    it("an aborted put rejects with AbortError and stores nothing", async () => {
      const controller = new AbortController();
      const pending = store.put("fail/aborted", stallingStream(Buffer.from("partial")), {
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 50);
      await expect(pending).rejects.toMatchObject({ name: "AbortError" });
      await expect(
        store.put("fail/pre-aborted", Buffer.from("x"), { signal: AbortSignal.abort() }),
      ).rejects.toMatchObject({ name: "AbortError" });
      expect(await store.head("fail/aborted")).toBeNull();
      expect(await store.head("fail/pre-aborted")).toBeNull();
    });
  });
});
