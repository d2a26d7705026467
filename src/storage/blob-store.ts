import type { Readable } from "node:stream";

/** Metadata of one stored blob. `etag` is only known for S3; local files have none. */
export interface BlobInfo {
  key: string;
  size: number;
  etag?: string;
  lastModified?: Date;
}

/**
 * A byte range with an inclusive `end`, exactly like an HTTP `Range: bytes=start-end` header,
 * so a route handler can pass the parsed header through unchanged. Omit `end` to read to the end.
 */
export interface ByteRange {
  start: number;
  end?: number;
}

/** Options for {@link BlobStore.put}. */
export interface PutOptions {
  contentType?: string;
  /** Aborting rejects the put and leaves nothing under the key (an existing blob is kept). */
  signal?: AbortSignal;
}

/** Options for {@link BlobStore.presignGet}. */
export interface PresignGetOptions {
  /** How long the URL works, in whole seconds: 1 to 604800 (SigV4 allows at most 7 days). */
  expiresInSeconds: number;
  /** Makes the response `Content-Disposition: attachment` with this name (RFC 6266). */
  fileName?: string;
  /** The `Content-Type` of the response, instead of the one stored with the object. */
  contentType?: string;
}

/** Most keys {@link BlobStore.deleteMany} takes at once: S3's DeleteObjects limit. */
export const MAX_DELETE_BATCH = 1000;

/** What {@link BlobStore.removeAbandonedWrites} did. */
export interface AbandonedWrites {
  removed: number;
  /**
   * Set when the storage server cannot list unfinished writes (some S3-compatible servers answer
   * `NotImplemented` to ListMultipartUploads; credentials may lack the permission): its answer,
   * for the log. The bucket's lifecycle rule is then the only thing that removes them.
   */
  unsupported?: string;
}

/** Anything `put` accepts: a stream (never buffered whole) or bytes already in memory. */
export type BlobBody = NodeJS.ReadableStream | Readable | Buffer | Uint8Array;

/**
 * Blob storage for attachments (CVs) and export artifacts, backed by a local directory or S3.
 *
 * Keys are `/`-separated relative paths such as `accounts/<uuid>/attachments/<uuid>`; every method
 * validates them with `assertValidKey` and throws {@link InvalidBlobKeyError} on a bad one.
 */
export interface BlobStore {
  readonly kind: "local" | "s3";
  /**
   * Stores `body` under `key`, replacing any blob there. Streams are consumed incrementally, never
   * buffered whole. A put that fails leaves the previous blob (or nothing) under the key, never a
   * partial one. The store owns a stream `body` from then on: it is consumed or destroyed.
   */
  put(key: string, body: BlobBody, opts?: PutOptions): Promise<BlobInfo>;
  /**
   * Opens the blob (or `range` of it) as a stream.
   * @throws {BlobNotFoundError} when there is no blob under `key`.
   * @throws {RangeNotSatisfiableError} when `range.start` is at or past the end of the blob.
   *   An `end` past the last byte is clamped, as HTTP does.
   */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** Returns the blob's metadata, or `null` when there is none under `key`. */
  head(key: string): Promise<BlobInfo | null>;
  /** Removes the blob. Deleting a missing key succeeds, so retries and cleanup jobs are safe. */
  delete(key: string): Promise<void>;
  /**
   * Lists every blob whose key starts with `prefix` (a plain string prefix, as in S3; `""` lists
   * all), in byte order of the keys. Pages or directories are fetched only as the caller iterates.
   */
  list(prefix: string): AsyncIterable<BlobInfo>;
  /**
   * Every blob whose key starts with `prefix`, in no set order, in constant memory however many
   * there are: S3 list pages, local folders read a few entries at a time (never a whole folder at
   * once, as the sorted {@link list} must). For sweeps over millions of keys. Blobs may be deleted
   * while the scan runs; one put or deleted meanwhile may or may not be seen, the others are seen
   * once.
   */
  scan(prefix: string): AsyncIterable<BlobInfo>;
  /**
   * The names of the folders right below `prefix` (`""` or ending in `/`): for `accounts/`, the
   * account ids that have files. S3's common prefixes of a `/`-delimited listing, a page at a time;
   * no set order.
   */
  listFolders(prefix: string): AsyncIterable<string>;
  /**
   * Deletes up to {@link MAX_DELETE_BATCH} keys (one request on S3). Missing keys are not an error.
   * @throws {RangeError} for more keys than that; the error of the first key that failed.
   */
  deleteMany(keys: readonly string[]): Promise<void>;
  /**
   * Removes writes that started before `before` and never finished (their process was killed):
   * the local store's `<root>/.tmp/*.part` files last written before it, S3's incomplete
   * multipart uploads initiated before it. Pages through them, removing as it goes.
   */
  removeAbandonedWrites(before: Date): Promise<AbandonedWrites>;
  /**
   * A time-limited URL that downloads the blob directly from S3. Only present when the backend
   * can sign URLs. Signing is local (no request is made), so a missing blob shows only when the
   * URL is used: S3 then answers 404.
   * @throws {RangeError} when `expiresInSeconds` is not an integer from 1 to 604800 (7 days, the
   *   SigV4 maximum).
   */
  presignGet?(key: string, opts: PresignGetOptions): Promise<string>;
  /** Releases sockets or handles held by the store. */
  close?(): Promise<void>;
}

/** Thrown by {@link BlobStore.get} when no blob exists under the key. */
export class BlobNotFoundError extends Error {
  override readonly name = "BlobNotFoundError";
  constructor(
    readonly key: string,
    options?: ErrorOptions,
  ) {
    super(`Blob not found: ${key}`, options);
  }
}

/** Thrown for a key (or list prefix) that could escape the store or differ between backends. */
export class InvalidBlobKeyError extends Error {
  override readonly name = "InvalidBlobKeyError";
  constructor(
    readonly key: string,
    reason: string,
  ) {
    // JSON.stringify makes control characters and empty keys visible in logs.
    super(`Invalid blob key ${JSON.stringify(key)}: ${reason}`);
  }
}

/** Thrown for a malformed range (negative start, end before start, non-integer). */
export class InvalidByteRangeError extends Error {
  override readonly name = "InvalidByteRangeError";
  constructor(readonly range: ByteRange) {
    super(`Invalid byte range ${JSON.stringify(range)}`);
  }
}

/**
 * Thrown when a range starts at or past the end of the blob. Carries the blob's size so an HTTP
 * layer can answer `416` with `Content-Range: bytes *\/<size>`.
 */
export class RangeNotSatisfiableError extends Error {
  override readonly name = "RangeNotSatisfiableError";
  constructor(
    readonly key: string,
    readonly range: ByteRange,
    readonly size: number,
  ) {
    super(`Range ${range.start}-${range.end ?? ""} not satisfiable for ${key} (size ${size})`);
  }
}
