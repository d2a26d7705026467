import { Readable } from "node:stream";
import type { BlobBody } from "./blob-store.js";

/** True for in-memory bodies (`Buffer` is a `Uint8Array` too). */
export function isBytes(body: BlobBody): body is Uint8Array {
  return body instanceof Uint8Array;
}

/**
 * Turns any accepted body into a modern `Readable`. Bytes become a one-chunk stream (`Readable.from`
 * on a plain `Uint8Array` would otherwise emit it byte by byte); old-style streams are wrapped.
 */
export function toReadable(body: BlobBody): Readable {
  if (isBytes(body)) return Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]);
  if (body instanceof Readable) return body;
  return new Readable().wrap(body);
}

/** Destroys a stream body the store will not consume (e.g. the key was invalid), so no fd leaks. */
export function discardBody(body: BlobBody): void {
  if (isBytes(body)) return;
  const destroy = (body as Partial<Readable>).destroy;
  if (typeof destroy === "function") destroy.call(body);
}
