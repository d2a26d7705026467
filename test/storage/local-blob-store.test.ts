import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidBlobKeyError } from "../../src/storage/blob-store.js";
import { LocalBlobStore } from "../../src/storage/local-blob-store.js";
import { failingStream, stallingStream } from "./stream-helpers.js";

// What only the filesystem store promises on top of the shared contract (blob-store.test.ts):
// atomic writes through .tmp/, private permissions, and tidy folders.

describe("LocalBlobStore", () => {
  let root: string;
  let store: LocalBlobStore;
  const tmpFiles = () => readdir(path.join(root, ".tmp"));
  const mode = async (p: string) => (await stat(p)).mode & 0o777;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "hirevault-local-blobs-"));
    store = new LocalBlobStore(root);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("writes blobs at <root>/<key> readable only by the owner (0600 files, 0700 folders)", async () => {
    await store.put("accounts/acc-1/attachments/cv-1", Buffer.from("%PDF-1.7"));
    const file = path.join(root, "accounts", "acc-1", "attachments", "cv-1");
    expect(await mode(file)).toBe(0o600);
    expect(await mode(path.join(root, "accounts", "acc-1"))).toBe(0o700);
    expect(await mode(path.join(root, ".tmp"))).toBe(0o700);
    expect(await tmpFiles()).toEqual([]);
  });

  it("a source failing midway leaves no file at the key and no temp file", async () => {
    await expect(
      store.put("failing/cv", failingStream(Buffer.alloc(256 * 1024, 1), new Error("socket hang up"))),
    ).rejects.toThrow("socket hang up");
    await expect(stat(path.join(root, "failing", "cv"))).rejects.toMatchObject({ code: "ENOENT" });
    expect(await tmpFiles()).toEqual([]);
  });

  it("an aborted put leaves no temp file", async () => {
    const controller = new AbortController();
    const pending = store.put("aborted/cv", stallingStream(Buffer.from("part")), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 30);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(await tmpFiles()).toEqual([]);
  });

  it("keeps the temp folder out of the key space", async () => {
    await expect(store.put(".tmp/x", Buffer.from("x"))).rejects.toBeInstanceOf(InvalidBlobKeyError);
    await expect(store.get(".tmp")).rejects.toBeInstanceOf(InvalidBlobKeyError);
    await writeFile(path.join(root, ".tmp", "in-flight.part"), "half a CV");
    try {
      const keys: string[] = [];
      for await (const info of store.list("")) keys.push(info.key);
      expect(keys.some((k) => k.startsWith(".tmp"))).toBe(false);
      expect(keys).toContain("accounts/acc-1/attachments/cv-1");
    } finally {
      await rm(path.join(root, ".tmp", "in-flight.part"));
    }
  });

  it("lists in S3's byte order, where 'a-x' comes before 'a/…'", async () => {
    for (const key of ["order/a/1", "order/a-x", "order/ab", "order/a/b/2"])
      await store.put(key, Buffer.from("x"));
    const keys: string[] = [];
    for await (const info of store.list("order/")) keys.push(info.key);
    expect(keys).toEqual(["order/a-x", "order/a/1", "order/a/b/2", "order/ab"]);
  });

  it("removes folders a delete leaves empty, but not the root or non-empty ones", async () => {
    await store.put("prune/keep/sibling", Buffer.from("s"));
    await store.put("prune/keep/deep/er/blob", Buffer.from("b"));
    await store.delete("prune/keep/deep/er/blob");
    await expect(stat(path.join(root, "prune", "keep", "deep"))).rejects.toMatchObject({ code: "ENOENT" });
    expect((await stat(path.join(root, "prune", "keep", "sibling"))).isFile()).toBe(true);
    await store.delete("prune/keep/sibling");
    await expect(stat(path.join(root, "prune"))).rejects.toMatchObject({ code: "ENOENT" });
    expect((await stat(root)).isDirectory()).toBe(true);
    // The pruned folders are recreated on the next put.
    await store.put("prune/keep/again", Buffer.from("a"));
    expect(await mode(path.join(root, "prune", "keep", "again"))).toBe(0o600);
  });

  it("removeAbandonedWrites removes .part files last written before the cutoff, and only those", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "hirevault-sweep-"));
    try {
      const tmp = path.join(dir, ".tmp");
      const sweeper = new LocalBlobStore(dir);
      // No .tmp folder yet (nothing was ever written): nothing to do, no error.
      expect(await sweeper.removeAbandonedWrites(new Date())).toEqual({ removed: 0 });
      await mkdir(tmp);
      const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
      for (const name of ["crashed.part", "fresh.part", "not-a-part-file"])
        await writeFile(path.join(tmp, name), "x");
      for (const name of ["crashed.part", "not-a-part-file"])
        await utimes(path.join(tmp, name), twoDaysAgo, twoDaysAgo);
      const oneDayAgo = new Date(Date.now() - 24 * 60 * 60 * 1000);
      expect(await sweeper.removeAbandonedWrites(oneDayAgo)).toEqual({ removed: 1 });
      expect((await readdir(tmp)).sort()).toEqual(["fresh.part", "not-a-part-file"]);
      // A put no longer sweeps on its own (the worker's storage sweep does, on its clock).
      await utimes(path.join(tmp, "fresh.part"), twoDaysAgo, twoDaysAgo);
      await new LocalBlobStore(dir).put("k", Buffer.from("z"));
      expect((await readdir(tmp)).sort()).toEqual(["fresh.part", "not-a-part-file"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("removeAbandonedWrites keeps the temp file of a put still streaming", async () => {
    const controller = new AbortController();
    const pending = store.put("inflight/cv", stallingStream(Buffer.from("first chunk")), {
      signal: controller.signal,
    });
    pending.catch(() => undefined);
    try {
      await expect.poll(tmpFiles).toHaveLength(1);
      // Everything written before this instant counts as abandoned; the live put wrote just now.
      const before = new Date(Date.now() - 5_000);
      expect(await store.removeAbandonedWrites(before)).toEqual({ removed: 0 });
      expect(await tmpFiles()).toHaveLength(1);
    } finally {
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    }
    expect(await tmpFiles()).toEqual([]);
  });
});
