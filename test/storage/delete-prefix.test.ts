import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deletePrefix } from "../../src/storage/delete-prefix.js";
import { allKeys } from "../jobs/helpers.js";
import { type BlobBackend, blobBackends } from "../support/blob-backends.js";

describe.each(blobBackends)("deletePrefix on $name storage", ({ start }) => {
  let b: BlobBackend;
  const put = (key: string) => b.store.put(key, Buffer.from(key));

  beforeAll(async () => {
    b = await start();
  });
  afterAll(async () => {
    await b?.stop();
  });

  it("deletes every blob under the prefix, nested ones too, and nothing else; again it finds none", async () => {
    const gone = ["r/run1/1/a", "r/run1/1/b", "r/run1/2/c", "r/run1/2/deep/d", "r/run1/2/deep/e"];
    const kept = ["r/run10/1/a", "r/run2/1/a", "s/run1/1/a"];
    for (const key of [...gone, ...kept]) await put(key);
    expect(await deletePrefix(b.store, "r/run1/")).toBe(gone.length);
    expect(await allKeys(b.store)).toEqual([...kept].sort());
    expect(await deletePrefix(b.store, "r/run1/")).toBe(0);
    expect(await deletePrefix(b.store, "nothing/here/")).toBe(0);
    await b.store.deleteMany(kept);
  });

  it("deletes in batches, one DeleteObjects request per batch on S3 instead of one request per file", async () => {
    const keys = Array.from({ length: 7 }, (_, i) => `accounts/x/attachments/${i}`);
    for (const key of keys) await put(key);
    b.requests?.splice(0);
    expect(await deletePrefix(b.store, "accounts/x/", 3)).toBe(7);
    expect(await allKeys(b.store)).toEqual([]);
    if (b.requests) {
      // 7 files, 3 per batch: three DeleteObjects requests and no single-key DELETE.
      expect(b.requests.filter((r) => /^POST \/[^/]+\/?\?delete/.test(r))).toHaveLength(3);
      expect(b.requests.filter((r) => r.startsWith("DELETE "))).toEqual([]);
    }
  });

  it("empties a folder of more files than one batch holds", async () => {
    const keys = Array.from({ length: 1_203 }, (_, i) => `big/f${i}`);
    // s3rver takes its time per put: a smaller batch shows the same on it.
    const batch = b.store.kind === "s3" ? 50 : 1_000;
    const files = b.store.kind === "s3" ? keys.slice(0, 123) : keys;
    for (let i = 0; i < files.length; i += 50) await Promise.all(files.slice(i, i + 50).map(put));
    expect(await deletePrefix(b.store, "big/", batch)).toBe(files.length);
    expect(await allKeys(b.store)).toEqual([]);
  });

  it("refuses a batch size S3 could not take in one request", async () => {
    await expect(deletePrefix(b.store, "x/", 0)).rejects.toThrow(RangeError);
    await expect(deletePrefix(b.store, "x/", 1001)).rejects.toThrow(RangeError);
  });
});
