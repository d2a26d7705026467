import { rm, utimes } from "node:fs/promises";
import path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3StoreOn } from "../support/blob-backends.js";
import { leaveUnfinishedUpload, startUploadsProxy, type UploadsProxy } from "../support/s3-uploads-proxy.js";
import { type S3rverHarness, startS3rver } from "../support/s3rver.js";

const DAY_MS = 24 * 60 * 60 * 1000;

// real: s3rver on loopback, with uploads left unfinished the way a killed worker leaves them
// (initiated, a part sent, never completed). S3BlobStore.removeAbandonedWrites aborts them.
describe("S3BlobStore.removeAbandonedWrites", () => {
  let s3: S3rverHarness;
  let proxy: UploadsProxy;
  let client: S3Client;
  const uploadsDir = () => path.join(s3.directory, s3.bucket, "._S3rver_uploads");
  const credentials = () => ({ accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
  const storeAt = (endpoint: string) => s3StoreOn(s3, { endpoint, listPageSize: 2 });

  /** Starts a multipart upload, sends one part, and leaves it; backdated by `ageMs` on s3rver's disk. */
  async function unfinishedUpload(key: string, ageMs: number): Promise<string> {
    const uploadId = await leaveUnfinishedUpload(s3, client, key, 1024);
    const at = new Date(Date.now() - ageMs);
    await utimes(path.join(uploadsDir(), uploadId), at, at);
    return uploadId;
  }

  beforeAll(async () => {
    s3 = await startS3rver();
    proxy = await startUploadsProxy(s3);
    client = new S3Client({
      region: "us-east-1",
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: credentials(),
    });
  });
  afterAll(async () => {
    client?.destroy();
    await proxy?.stop();
    await s3?.stop();
  });

  it("s3rver answers ListMultipartUploads with 501 NotImplemented: reported as unsupported after one request, nothing removed", async () => {
    const id = await unfinishedUpload("accounts/a/exports/r/1/data", 2 * DAY_MS);
    const store = storeAt(s3.endpoint);
    try {
      s3.requests.length = 0;
      expect(await store.removeAbandonedWrites(new Date(Date.now() - DAY_MS))).toEqual({
        removed: 0,
        unsupported: "NotImplemented: A parameter you provided implies functionality that is not implemented",
      });
      // Not retried (501 is not a transient error), and nothing else was asked.
      expect(s3.requests).toEqual([`GET /${s3.bucket}/?max-uploads=2&uploads=`]);
      expect(await proxy.uploadIds()).toContain(id);
    } finally {
      await store.close();
    }
  });

  it("aborts the uploads initiated before the cutoff, page by page, and keeps the newer ones", async () => {
    await rm(uploadsDir(), { recursive: true, force: true }); // the previous test's upload
    const old = [
      await unfinishedUpload("accounts/a/exports/r/1/cvs", 2 * DAY_MS),
      await unfinishedUpload("accounts/a/exports/r/1/data", 2 * DAY_MS),
      await unfinishedUpload("accounts/b/attachments/f", 3 * DAY_MS),
    ];
    const fresh = await unfinishedUpload("accounts/a/exports/r/2/data", 60_000);
    expect((await proxy.uploadIds()).sort()).toEqual([...old, fresh].sort());
    const store = storeAt(proxy.endpoint);
    try {
      proxy.answered.length = 0;
      expect(await store.removeAbandonedWrites(new Date(Date.now() - DAY_MS))).toEqual({ removed: 3 });
      expect(await proxy.uploadIds()).toEqual([fresh]);
      // 4 uploads at 2 per page: the second page was asked for with the first page's markers.
      const lists = proxy.answered.filter((r) => r.startsWith("GET"));
      expect(lists).toHaveLength(2);
      expect(lists[1]).toMatch(/key-marker=accounts%2Fa%2Fexports%2Fr%2F1%2Fdata/);
      expect(lists[1]).toMatch(/upload-id-marker=/);
      const aborts = proxy.answered
        .filter((r) => r.startsWith("DELETE"))
        .map((r) => r.replace(/&x-id=\w+$/, ""));
      expect(aborts.sort()).toEqual(
        [
          `DELETE /${s3.bucket}/accounts/a/exports/r/1/cvs?uploadId=${old[0]}`,
          `DELETE /${s3.bucket}/accounts/a/exports/r/1/data?uploadId=${old[1]}`,
          `DELETE /${s3.bucket}/accounts/b/attachments/f?uploadId=${old[2]}`,
        ].sort(),
      );
      // Blob operations still reach s3rver through the proxy untouched.
      await store.put("through/proxy", Buffer.from("ok"));
      expect((await store.head("through/proxy"))?.size).toBe(2);
    } finally {
      await store.close();
    }
  });
});
