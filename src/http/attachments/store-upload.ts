import crypto from "node:crypto";
import { Readable } from "node:stream";
import { PayloadTooLargeError, UnsupportedMediaTypeError } from "../../domain/errors.js";
import { SNIFF_BYTES, sniffContentType } from "../../domain/sniff-content-type.js";
import type { BlobStore } from "../../storage/blob-store.js";
import { nextOfForm } from "./form-read-error.js";

/** What was stored: measured and hashed on the way, never taken from the client. */
export interface StoredUpload {
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

/** A multipart file stream; busboy sets `truncated` when it cut the file at the size limit. */
export type UploadStream = NodeJS.ReadableStream & { truncated?: boolean };

/**
 * Streams an uploaded file into blob storage under `key`, in constant memory:
 * 1. reads the first {@link SNIFF_BYTES} and decides the content type from them (415 if refused);
 * 2. streams those bytes and the rest into `blobs.put`, hashing (SHA-256) and counting on the way;
 * 3. fails with 413 when the file went over `maxBytes`, and with 400 when the body ends before
 *    the file does (a truncated or broken form) — the put then fails too, so nothing is
 *    published, and the key is deleted anyway in case a backend kept a partial object.
 */
export async function storeUpload(
  file: UploadStream,
  blobs: BlobStore,
  key: string,
  maxBytes: number,
): Promise<StoredUpload> {
  const source = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const { head, ended } = await peek(source, SNIFF_BYTES);
  const sniffed = sniffContentType(head.subarray(0, SNIFF_BYTES), ended && head.length <= SNIFF_BYTES);
  if (!sniffed.ok) {
    await source.return?.();
    throw new UnsupportedMediaTypeError(`File refused: ${sniffed.reason}.`);
  }
  const hash = crypto.createHash("sha256");
  let size = 0;
  const tooLarge = () => file.truncated === true || size > maxBytes;

  async function* body(): AsyncGenerator<Buffer> {
    try {
      hash.update(head);
      size += head.length;
      if (head.length > 0) yield head;
      while (!ended) {
        const next = await nextOfForm(source);
        if (next.done) break;
        hash.update(next.value);
        size += next.value.length;
        if (tooLarge()) break;
        yield next.value;
      }
      // Thrown inside the put's stream, so the store discards what it received.
      if (tooLarge()) throw new PayloadTooLargeError(maxBytes);
    } finally {
      await source.return?.(); // the put gave up early: stop reading the request
    }
  }

  try {
    await blobs.put(key, Readable.from(body()), { contentType: sniffed.contentType });
  } catch (err) {
    await blobs.delete(key).catch(() => undefined);
    throw tooLarge() ? new PayloadTooLargeError(maxBytes) : err;
  }
  return { contentType: sniffed.contentType, sizeBytes: size, sha256: hash.digest("hex") };
}

/** Reads chunks until `n` bytes (or the end); returns them as one buffer. */
async function peek(source: AsyncIterator<Buffer>, n: number): Promise<{ head: Buffer; ended: boolean }> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < n) {
    const next = await nextOfForm(source);
    if (next.done) return { head: Buffer.concat(chunks), ended: true };
    chunks.push(next.value);
    length += next.value.length;
  }
  return { head: Buffer.concat(chunks), ended: false };
}
