import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBlobStore } from "../../src/storage/create-blob-store.js";
import { S3BlobStore } from "../../src/storage/s3-blob-store.js";
import { type S3rverHarness, startS3rver } from "../support/s3rver.js";
import { readAll } from "./stream-helpers.js";

describe("createBlobStore", () => {
  let dataDir: string;
  let s3: S3rverHarness;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "hirevault-data-"));
    s3 = await startS3rver();
  });
  afterAll(async () => {
    await s3?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("stores blobs under <dataDir>/blobs when no bucket is configured", async () => {
    for (const config of [{ dataDir }, { dataDir, s3: { bucket: "" } }]) {
      const store = await createBlobStore(config);
      expect(store.kind).toBe("local");
      await store.put("a/b", Buffer.from("local"));
      expect(await readFile(path.join(dataDir, "blobs", "a", "b"), "utf8")).toBe("local");
    }
  });

  it("uses S3 with path-style URLs when a bucket and an endpoint are configured", async () => {
    const store = await createBlobStore({
      dataDir,
      // A host name, not an IP: for IPs the SDK picks path style by itself.
      s3: {
        bucket: s3.bucket,
        endpoint: s3.endpoint.replace("127.0.0.1", "localhost"),
        accessKeyId: "S3RVER",
        secretAccessKey: "S3RVER",
      },
    });
    try {
      expect(store.kind).toBe("s3");
      s3.requests.splice(0);
      await store.put("factory/blob", Buffer.from("remote"));
      expect((await readAll(await store.get("factory/blob"))).toString()).toBe("remote");
      // Virtual-host style would have sent "PUT /factory/blob" to test-bucket.localhost.
      expect(s3.requests[0]).toMatch(/^PUT \/test-bucket\/factory\/blob/);
    } finally {
      await store.close?.();
    }
  });

  it("refuses half a key pair without echoing it", async () => {
    const attempt = createBlobStore({ dataDir, s3: { bucket: "b", accessKeyId: "AKIA-SHOULD-NOT-LEAK" } });
    const err = (await attempt.catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/access key/);
    expect(err.message).not.toContain("AKIA-SHOULD-NOT-LEAK");
  });

  it("rejects an out-of-range list page size", () => {
    expect(() => new S3BlobStore({ bucket: "b", region: "us-east-1", listPageSize: 0 })).toThrow(
      /listPageSize/,
    );
    expect(() => new S3BlobStore({ bucket: "b", region: "us-east-1", listPageSize: 1001 })).toThrow(
      /listPageSize/,
    );
  });
});
