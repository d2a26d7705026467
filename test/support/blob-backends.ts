import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { BlobStore } from "../../src/storage/blob-store.js";
import { LocalBlobStore } from "../../src/storage/local-blob-store.js";
import { S3BlobStore } from "../../src/storage/s3-blob-store.js";
import { type S3rverHarness, startS3rver } from "./s3rver.js";

/** A store on one real backend, and how to take it down. */
export interface BlobBackend {
  store: BlobStore;
  /** S3 only: the requests s3rver received, to check what went over the wire. */
  requests?: string[];
  stop(): Promise<void>;
}

/**
 * An S3BlobStore on s3rver's bucket and credentials. `endpoint` puts something in front of s3rver
 * (a proxy); a small `listPageSize` makes every listing page, as a big bucket would.
 */
export function s3StoreOn(s3: S3rverHarness, opts: { endpoint?: string; listPageSize?: number } = {}) {
  return new S3BlobStore({
    bucket: s3.bucket,
    endpoint: opts.endpoint ?? s3.endpoint,
    region: "us-east-1",
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
    ...(opts.listPageSize ? { listPageSize: opts.listPageSize } : {}),
  });
}

/** The real backends every BlobStore test runs on: files in a temp dir, and s3rver on loopback. */
export const blobBackends: Array<{ name: "local" | "s3"; start: () => Promise<BlobBackend> }> = [
  {
    name: "local",
    async start() {
      const dir = await mkdtemp(path.join(os.tmpdir(), "hirevault-blobs-"));
      return { store: new LocalBlobStore(dir), stop: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: "s3",
    async start() {
      const s3 = await startS3rver();
      const store = s3StoreOn(s3, { listPageSize: 2 });
      return {
        store,
        requests: s3.requests,
        async stop() {
          await store.close();
          await s3.stop();
        },
      };
    },
  },
];
