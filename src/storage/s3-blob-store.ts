import { pipeline, Readable, Transform } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { contentDisposition } from "../domain/content-disposition.js";
import { discardBody, isBytes, toReadable } from "./blob-body.js";
import { assertValidKey, assertValidPrefix } from "./blob-key.js";
import {
  type BlobBody,
  type BlobInfo,
  BlobNotFoundError,
  type BlobStore,
  type ByteRange,
  type PresignGetOptions,
  type PutOptions,
  RangeNotSatisfiableError,
} from "./blob-store.js";
import { assertValidRange, toRangeHeader } from "./byte-range.js";
import { assertPresignExpiry } from "./presign-limits.js";

/** Options for {@link S3BlobStore}. Credentials fall back to the SDK's default chain when omitted. */
export interface S3BlobStoreOptions {
  bucket: string;
  /** For S3-compatible servers (MinIO, s3rver, …); omit for AWS. */
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `bucket` in the path instead of the host name; needed by most S3-compatible servers. */
  forcePathStyle?: boolean;
  /** Keys per ListObjectsV2 page, 1–1000 (default 1000). Tests lower it to exercise paging. */
  listPageSize?: number;
}

// Multipart uploads buffer at most partSize × (queueSize + 1) bytes per put (~24 MiB), whatever
// the blob size; 8 MiB parts still allow blobs up to 80 GB under S3's 10 000-part limit.
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;
const MAX_LIST_PAGE = 1000;

type Presigner = typeof import("@aws-sdk/s3-request-presigner");
let presigner: Promise<Presigner> | undefined;

/**
 * The presigner is imported on first use, as the whole SDK is (create-blob-store.ts): an S3
 * install that streams downloads (`HIREVAULT_DOWNLOADS=stream`) never loads it.
 */
function loadPresigner(): Promise<Presigner> {
  presigner ??= import("@aws-sdk/s3-request-presigner");
  return presigner;
}

/**
 * {@link BlobStore} on an S3 bucket. Large streams are sent as multipart uploads with bounded memory.
 * `presignGet` signs short-lived download URLs, so the app can redirect instead of proxying bytes.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = "s3" as const;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #listPageSize: number;

  constructor(options: S3BlobStoreOptions) {
    const { bucket, endpoint, region, accessKeyId, secretAccessKey, forcePathStyle, listPageSize } = options;
    if (!bucket) throw new Error("S3BlobStore: bucket is required");
    if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
      // Never echo the values: this message may end up in logs.
      throw new Error("S3BlobStore: set both the access key id and the secret access key, or neither");
    }
    const pageSize = listPageSize ?? MAX_LIST_PAGE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_LIST_PAGE) {
      throw new Error(`S3BlobStore: listPageSize must be an integer from 1 to ${MAX_LIST_PAGE}`);
    }
    this.#bucket = bucket;
    this.#listPageSize = pageSize;
    // Only the client keeps the credentials; the options object is not stored, so logging or
    // inspecting the store cannot print the secret.
    this.#client = new S3Client({
      region,
      endpoint,
      forcePathStyle,
      // SDK 3.729+ adds CRC checksums (aws-chunked trailers for streams) to every request and
      // validates them on responses; several S3-compatible servers reject or lack them, so custom
      // endpoints only get checksums where the S3 API requires them. AWS itself keeps the default.
      ...(endpoint && {
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      }),
      credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
      // Transient failures (5xx, throttling, resets) are retried by the SDK: "standard" mode backs off
      // exponentially with full jitter, here up to 5 attempts in total per request.
      retryMode: "standard",
      maxAttempts: 5,
    });
  }

  async put(key: string, body: BlobBody, opts: PutOptions = {}): Promise<BlobInfo> {
    try {
      assertValidKey(key);
      opts.signal?.throwIfAborted();
    } catch (err) {
      discardBody(body);
      throw err;
    }
    // Bytes go to the SDK as they are (it knows their length); streams are counted on the way.
    const bytes = isBytes(body) ? body : null;
    const counted = bytes ? null : countBytes(toReadable(body));
    const upload = new Upload({
      client: this.#client,
      params: {
        Bucket: this.#bucket,
        Key: key,
        Body: bytes ?? counted?.stream,
        ContentType: opts.contentType,
      },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      // On failure lib-storage aborts the multipart upload, so no orphaned parts keep costing money.
      leavePartsOnError: false,
    });
    const onAbort = () => void upload.abort();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const out = await upload.done();
      return { key, size: bytes ? bytes.byteLength : (counted?.bytes() ?? 0), etag: out.ETag };
    } catch (err) {
      counted?.stream.destroy(); // stop reading the caller's stream (the pipeline destroys it too)
      throw opts.signal?.aborted ? opts.signal.reason : err;
    } finally {
      opts.signal?.removeEventListener("abort", onAbort);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertValidKey(key);
    if (range) assertValidRange(range);
    try {
      const res = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: key, Range: range && toRangeHeader(range) }),
      );
      if (!(res.Body instanceof Readable)) throw new Error("S3BlobStore: expected a Node.js stream body");
      const total = range && totalFromContentRange(res.ContentRange);
      if (range && total !== undefined && range.start >= total) {
        // Some S3-compatible servers (s3rver) answer 206 "bytes 0-0/0" for any range on an empty
        // object where S3 answers 416; report it the way S3 would.
        res.Body.destroy();
        throw new RangeNotSatisfiableError(key, range, total);
      }
      return res.Body;
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(key, { cause: err });
      if (range && isInvalidRange(err)) {
        throw new RangeNotSatisfiableError(key, range, await this.#sizeFromRangeError(key, err));
      }
      throw err;
    }
  }

  async head(key: string): Promise<BlobInfo | null> {
    assertValidKey(key);
    try {
      const res = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
      return { key, size: res.ContentLength ?? 0, etag: res.ETag, lastModified: res.LastModified };
    } catch (err) {
      // Note: without s3:ListBucket permission, S3 answers 403 rather than 404 for a missing key.
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    // S3 answers 204 for a missing key too, which makes this idempotent without a HEAD first.
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    assertValidPrefix(prefix);
    let token: string | undefined;
    do {
      // One page per iteration step: a caller that stops early never fetches the rest.
      const page = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: prefix || undefined,
          MaxKeys: this.#listPageSize,
          ContinuationToken: token,
        }),
      );
      for (const obj of page.Contents ?? []) {
        if (obj.Key === undefined) continue;
        yield { key: obj.Key, size: obj.Size ?? 0, etag: obj.ETag, lastModified: obj.LastModified };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /**
   * A SigV4 query-string-signed GET URL (signed locally: no request to S3). The file name and
   * content type are signed into the URL as `response-content-disposition` / `-type`, so S3
   * answers with our `attachment` header, whatever was stored with the object. With temporary
   * credentials the URL also stops working when they expire, whichever comes first.
   * @throws {RangeError} when `expiresInSeconds` is not an integer from 1 to 604800.
   */
  async presignGet(key: string, opts: PresignGetOptions): Promise<string> {
    assertValidKey(key);
    assertPresignExpiry(opts.expiresInSeconds);
    const { getSignedUrl } = await loadPresigner();
    const command = new GetObjectCommand({
      Bucket: this.#bucket,
      Key: key,
      ResponseContentDisposition: opts.fileName === undefined ? undefined : contentDisposition(opts.fileName),
      ResponseContentType: opts.contentType,
    });
    return getSignedUrl(this.#client, command, { expiresIn: opts.expiresInSeconds });
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }

  /** S3 reports the object size in the InvalidRange error body; ask with HEAD if it did not. */
  async #sizeFromRangeError(key: string, err: unknown): Promise<number> {
    const reported = Number((err as { ActualObjectSize?: unknown }).ActualObjectSize);
    if (Number.isSafeInteger(reported) && reported >= 0) return reported;
    return (await this.head(key))?.size ?? 0;
  }
}

function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/** The complete length from a `Content-Range: bytes a-b/total` header, if it states one. */
function totalFromContentRange(header: string | undefined): number | undefined {
  const match = header && /\/(\d+)$/.exec(header);
  return match ? Number(match[1]) : undefined;
}

function isNotFound(err: unknown): boolean {
  const name = (err as Error | null)?.name;
  return name === "NoSuchKey" || name === "NotFound" || httpStatus(err) === 404;
}

function isInvalidRange(err: unknown): boolean {
  return (err as Error | null)?.name === "InvalidRange" || httpStatus(err) === 416;
}

/**
 * Passes `source` through while counting bytes, so `put` can report the size of a streamed body
 * without a HEAD request. `pipeline` links the two: an error in `source` errors the returned stream
 * (failing the upload), and destroying the returned stream destroys `source`.
 */
function countBytes(source: Readable): { stream: Transform; bytes: () => number } {
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  // The callback only swallows the error: the upload sees it through `stream` and rejects with it.
  pipeline(source, stream, () => {});
  return { stream, bytes: () => bytes };
}
