import crypto from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";

/** A real S3 API on loopback, with the requests it received (method, path and query). */
export interface S3rverHarness {
  endpoint: string;
  bucket: string;
  /** s3rver's fixed dummy account. */
  accessKeyId: string;
  secretAccessKey: string;
  /** s3rver's own folder (its file store: `<directory>/<bucket>/…`). */
  directory: string;
  /** Every request seen, e.g. `PUT /test-bucket/k?partNumber=1&uploadId=…`; clear it with `length = 0`. */
  requests: string[];
  stop(): Promise<void>;
}

let desShimInstalled = false;

/**
 * s3rver 3.7 encrypts ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 (Node ≥ 17)
 * only offers through its legacy provider: every truncated listing then fails with InternalError.
 * Triple DES with the key repeated three times is the same cipher as single DES (EDE with K1=K2=K3),
 * so this maps "des" onto it, for s3rver's two calls only, instead of needing `--openssl-legacy-provider`.
 */
export function installS3rverDesShim(): void {
  if (desShimInstalled) return;
  desShimInstalled = true;
  const { createCipheriv, createDecipheriv } = crypto;
  const tripled = (key: crypto.CipherKey) => Buffer.concat([key, key, key] as Buffer[]);
  crypto.createCipheriv = ((
    algorithm: string,
    key: crypto.CipherKey,
    iv: crypto.BinaryLike | null,
    options?: never,
  ) =>
    algorithm === "des"
      ? createCipheriv("des-ede3-cbc", tripled(key), iv)
      : createCipheriv(algorithm, key, iv, options)) as typeof crypto.createCipheriv;
  crypto.createDecipheriv = ((
    algorithm: string,
    key: crypto.CipherKey,
    iv: crypto.BinaryLike | null,
    options?: never,
  ) =>
    algorithm === "des"
      ? createDecipheriv("des-ede3-cbc", tripled(key), iv)
      : createDecipheriv(algorithm, key, iv, options)) as typeof crypto.createDecipheriv;
}

/** Starts s3rver in-process on 127.0.0.1 with an OS-assigned port and one empty bucket. */
export async function startS3rver(bucket = "test-bucket"): Promise<S3rverHarness> {
  installS3rverDesShim();
  const directory = await mkdtemp(path.join(os.tmpdir(), "hirevault-s3rver-"));
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const requests: string[] = [];
  // Observing the server, not the SDK: this is what actually went over the wire.
  server.httpServer?.on("request", (req) => requests.push(`${req.method} ${req.url}`));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    directory,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    requests,
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
