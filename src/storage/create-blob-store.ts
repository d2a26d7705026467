import path from "node:path";
import type { BlobStore } from "./blob-store.js";
import { LocalBlobStore } from "./local-blob-store.js";

/**
 * Storage settings from the environment (README.md#configuration: `HIREVAULT_DATA_DIR`, `S3_*`).
 */
export interface BlobStoreConfig {
  dataDir: string;
  s3?: {
    bucket?: string;
    endpoint?: string;
    region?: string;
    accessKeyId?: string;
    secretAccessKey?: string;
  };
}

const DEFAULT_REGION = "us-east-1";

/**
 * Picks the blob backend: S3 when a bucket is configured, else files under `<dataDir>/blobs`.
 *
 * The S3 store is imported on demand so a local install never loads the (large) AWS SDK.
 * A custom endpoint means an S3-compatible server (MinIO, s3rver, …), which gets path-style URLs
 * because those servers rarely resolve `<bucket>.<host>` names.
 */
export async function createBlobStore(config: BlobStoreConfig): Promise<BlobStore> {
  const s3 = config.s3;
  if (!s3?.bucket) return new LocalBlobStore(path.join(config.dataDir, "blobs"));
  const { S3BlobStore } = await import("./s3-blob-store.js");
  return new S3BlobStore({
    bucket: s3.bucket,
    endpoint: s3.endpoint || undefined,
    region: s3.region || DEFAULT_REGION,
    accessKeyId: s3.accessKeyId || undefined,
    secretAccessKey: s3.secretAccessKey || undefined,
    forcePathStyle: Boolean(s3.endpoint),
  });
}
