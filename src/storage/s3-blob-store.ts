import { pipeline, Readable, Transform } from "node:stream";
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  type ListMultipartUploadsCommandOutput,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { contentDisposition } from "../domain/content-disposition.js";
import { discardBody, isBytes, toReadable } from "./blob-body.js";
import { assertValidKey, assertValidPrefix } from "./blob-key.js";
import {
  type AbandonedWrites,
  type BlobBody,
  type BlobInfo,
  BlobNotFoundError,
  type BlobStore,
  type ByteRange,
  InvalidBlobKeyError,
  MAX_DELETE_BATCH,
  type PresignGetOptions,
  type PutOptions,
  RangeNotSatisfiableError,
} from "./blob-store.js";
import { assertValidRange, toRangeHeader } from "./byte-range.js";
import { forEachLimited } from "./for-each-limited.js";
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
/** Multipart uploads aborted at once by `removeAbandonedWrites`. */
const ABORT_CONCURRENCY = 8;

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

  /** S3 lists in pages whatever the order, so a scan is the listing. */
  scan(prefix: string): AsyncIterable<BlobInfo> {
    return this.list(prefix);
  }

  /**
   * One key per folder: asks for the first key after everything seen so far, then skips past the
   * whole folder it belongs to (`StartAfter`), so the folder's own files, however many, are never
   * listed. Every S3-compatible server implements `start-after`; delimiter listings are less
   * reliable (s3rver only reports a folder that holds a file directly). One request per folder.
   */
  async *listFolders(prefix: string): AsyncIterable<string> {
    assertValidPrefix(prefix);
    if (prefix !== "" && !prefix.endsWith("/"))
      throw new InvalidBlobKeyError(prefix, 'must be "" or end in "/"');
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: prefix || undefined,
          StartAfter: startAfter,
          MaxKeys: 1,
        }),
      );
      const key = page.Contents?.[0]?.Key;
      if (key === undefined || !key.startsWith(prefix)) return;
      const slash = key.indexOf("/", prefix.length);
      if (slash === -1) {
        startAfter = key; // a blob right below the prefix, not a folder
        continue;
      }
      yield key.slice(prefix.length, slash);
      // "0" is the byte after "/": every key of the folder sorts before `<folder>0`, and the only
      // key this skips besides them is a blob named exactly `<folder>0`, which is not a folder.
      startAfter = `${key.slice(0, slash)}0`;
    }
  }

  /** One DeleteObjects request (quiet: S3 answers only the keys it could not delete). */
  async deleteMany(keys: readonly string[]): Promise<void> {
    if (keys.length > MAX_DELETE_BATCH) throw new RangeError(`at most ${MAX_DELETE_BATCH} keys at once`);
    for (const key of keys) assertValidKey(key);
    if (keys.length === 0) return;
    const res = await this.#client.send(
      new DeleteObjectsCommand({
        Bucket: this.#bucket,
        Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
      }),
    );
    const failed = res.Errors?.[0];
    if (failed) {
      throw new Error(
        `S3BlobStore: could not delete ${failed.Key} (${failed.Code}: ${failed.Message}) and ${res.Errors!.length - 1} more`,
      );
    }
  }

  /**
   * Aborts multipart uploads initiated before `before`: S3 keeps (and bills) the parts of an
   * upload whose process died until it is aborted. Paged with ListMultipartUploads; an upload
   * completed or aborted meanwhile (NoSuchUpload) counts as gone. A server without the call, or
   * credentials without the permission, is reported in `unsupported`, not thrown.
   */
  async removeAbandonedWrites(before: Date): Promise<AbandonedWrites> {
    let removed = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      let page: ListMultipartUploadsCommandOutput;
      try {
        page = await this.#listUploads(keyMarker, uploadIdMarker);
      } catch (err) {
        if (!isNotImplemented(err) && !isAccessDenied(err)) throw err;
        return { removed, unsupported: `${(err as Error).name}: ${(err as Error).message}` };
      }
      const stale = (page.Uploads ?? []).filter(
        (u) => u.Key !== undefined && u.UploadId !== undefined && u.Initiated && u.Initiated < before,
      );
      await forEachLimited(stale, ABORT_CONCURRENCY, async (u) => {
        try {
          await this.#client.send(
            new AbortMultipartUploadCommand({ Bucket: this.#bucket, Key: u.Key, UploadId: u.UploadId }),
          );
        } catch (err) {
          if ((err as Error | null)?.name !== "NoSuchUpload" && httpStatus(err) !== 404) throw err;
        }
        removed++;
      });
      const more = page.IsTruncated === true;
      keyMarker = more ? page.NextKeyMarker : undefined;
      uploadIdMarker = more ? page.NextUploadIdMarker : undefined;
    } while (keyMarker !== undefined);
    return { removed };
  }

  #listUploads(keyMarker: string | undefined, uploadIdMarker: string | undefined) {
    return this.#client.send(
      new ListMultipartUploadsCommand({
        Bucket: this.#bucket,
        MaxUploads: this.#listPageSize,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
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

/**
 * The credentials may not list uploads (no `s3:ListBucketMultipartUploads`): like a server without
 * the call, reported once rather than failing every sweep; the lifecycle rule covers it.
 */
function isAccessDenied(err: unknown): boolean {
  return (err as Error | null)?.name === "AccessDenied" || httpStatus(err) === 403;
}

/** The server does not offer the operation at all (s3rver, for ListMultipartUploads: 501). */
function isNotImplemented(err: unknown): boolean {
  return (err as Error | null)?.name === "NotImplemented" || httpStatus(err) === 501;
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
