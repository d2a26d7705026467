import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentDisposition } from "../../src/domain/content-disposition.js";
import { InvalidBlobKeyError } from "../../src/storage/blob-store.js";
import { MAX_PRESIGN_SECONDS } from "../../src/storage/presign-limits.js";
import type { S3BlobStore } from "../../src/storage/s3-blob-store.js";
import { s3StoreOn } from "../support/blob-backends.js";
import { type S3rverHarness, startS3rver } from "../support/s3rver.js";
import { hasValidSigV4, signedAt } from "../support/sigv4.js";

// real: s3rver (S3 API with SigV4 query authentication) on loopback, the SDK presigner, and
// Node's fetch as the browser that follows a presigned URL.
describe("S3BlobStore.presignGet", () => {
  let s3: S3rverHarness;
  let store: S3BlobStore;
  const bytes = Buffer.from("%PDF-1.7 presigned bytes\n");

  beforeAll(async () => {
    s3 = await startS3rver();
    store = s3StoreOn(s3);
    await store.put("presign/cv.pdf", bytes);
  });
  afterAll(async () => {
    await store?.close();
    await s3?.stop();
  });

  it("guards the SigV4 limit: 604800 s accepted, 604801 s rejected (docs/EXPORTS.md#links-and-downloads)", async () => {
    const week = new URL(await store.presignGet("presign/cv.pdf", { expiresInSeconds: MAX_PRESIGN_SECONDS }));
    expect(MAX_PRESIGN_SECONDS).toBe(604_800);
    expect(week.searchParams.get("X-Amz-Expires")).toBe("604800");
    for (const bad of [604_801, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(
        store.presignGet("presign/cv.pdf", { expiresInSeconds: bad }),
        String(bad),
      ).rejects.toThrow(RangeError);
    }
    await expect(store.presignGet("../escape", { expiresInSeconds: 60 })).rejects.toThrow(
      InvalidBlobKeyError,
    );
  });

  it("signs locally and the URL serves the bytes as an attachment with the given type", async () => {
    s3.requests.length = 0;
    const name = "CV «Zoë» \u202Efdp.exe\r\n.pdf";
    const url = await store.presignGet("presign/cv.pdf", {
      expiresInSeconds: 60,
      fileName: name,
      contentType: "application/pdf",
    });
    expect(s3.requests).toEqual([]); // presigning made no request
    expect(hasValidSigV4(url, s3.secretAccessKey)).toBe(true);
    expect(signedAt(url)).toBeLessThanOrEqual(Date.now());
    expect(signedAt(url)).toBeGreaterThan(Date.now() - 60_000);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    // The header S3 sends is exactly the one the app would send itself (RFC 6266 + RFC 8187).
    expect(res.headers.get("content-disposition")).toBe(contentDisposition(name));
    expect(res.headers.get("content-disposition")).not.toMatch(/[\r\n\u202e]/);
    expect(res.headers.get("content-type")).toBe("application/pdf");
  });

  it("a URL for a missing key answers 404 from S3", async () => {
    const missing = await store.presignGet("presign/nothing-here", { expiresInSeconds: 60 });
    expect((await fetch(missing)).status).toBe(404);
  });

  it("the expiry and the response headers are signed: changing one breaks the signature", async () => {
    const url = new URL(
      await store.presignGet("presign/cv.pdf", {
        expiresInSeconds: 300,
        fileName: "a.pdf",
        contentType: "a/b",
      }),
    );
    expect(hasValidSigV4(url, s3.secretAccessKey)).toBe(true);
    expect(hasValidSigV4(url, "another secret")).toBe(false);
    // s3rver does not check V4 signatures; S3 does, so these would all be refused there.
    for (const [name, value] of [
      ["X-Amz-Expires", "604800"],
      ["response-content-type", "text/html"],
      ["response-content-disposition", "inline"],
    ] as const) {
      const stretched = new URL(url);
      stretched.searchParams.set(name, value);
      expect(hasValidSigV4(stretched, s3.secretAccessKey), name).toBe(false);
    }
  });

  it("a URL stops working when it expires (docs/EXPORTS.md#links-and-downloads)", async () => {
    // 3 s, not 1: X-Amz-Date is cut to whole seconds, so a 1-second URL signed at x.9 s could be
    // dead before a loaded machine fetches it the first time.
    const url = await store.presignGet("presign/cv.pdf", { expiresInSeconds: 3 });
    expect((await fetch(url)).status).toBe(200);
    // Wait until a second past its end, counted from the signed date itself.
    const d = new URL(url).searchParams.get("X-Amz-Date")!;
    const signedAt = Date.UTC(
      +d.slice(0, 4),
      +d.slice(4, 6) - 1,
      +d.slice(6, 8),
      +d.slice(9, 11),
      +d.slice(11, 13),
      +d.slice(13, 15),
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, signedAt + 4_100 - Date.now())));
    expect((await fetch(url)).status).toBe(403);
  });
});
