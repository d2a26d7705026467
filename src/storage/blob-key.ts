import { InvalidBlobKeyError } from "./blob-store.js";

/** S3's own key limit; the local store keeps the same one so both backends accept the same keys. */
export const MAX_KEY_BYTES = 1024;

// C0 controls and DEL: they break logs, HTTP headers and some filesystems.
const CONTROL_CHARS = /[\x00-\x1f\x7f]/;

/** Checks what keys and list prefixes share: length, characters, no absolute paths. */
function assertSafeText(key: string, what: string): void {
  if (typeof key !== "string") throw new InvalidBlobKeyError(String(key), `${what} must be a string`);
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
    throw new InvalidBlobKeyError(key, `${what} is longer than ${MAX_KEY_BYTES} bytes`);
  }
  if (key.startsWith("/")) throw new InvalidBlobKeyError(key, `${what} must be relative`);
  // A backslash is a separator on Windows, so "a\\..\\b" could escape the root there.
  if (key.includes("\\")) throw new InvalidBlobKeyError(key, `${what} must not contain "\\"`);
  if (CONTROL_CHARS.test(key))
    throw new InvalidBlobKeyError(key, `${what} must not contain control characters`);
}

function assertSafeSegment(key: string, segment: string): void {
  // Empty, "." and ".." segments would let a key escape or alias another key on the filesystem,
  // while S3 would store them literally: reject them so both backends behave the same.
  if (segment === "" || segment === "." || segment === "..") {
    throw new InvalidBlobKeyError(key, `empty, "." and ".." path segments are not allowed`);
  }
}

/**
 * The single validation every store method runs on a key: non-empty, at most 1024 UTF-8 bytes,
 * `/`-separated relative path without `\`, control characters, or empty/`.`/`..` segments.
 * @throws {InvalidBlobKeyError}
 */
export function assertValidKey(key: string): void {
  assertSafeText(key, "key");
  if (key.length === 0) throw new InvalidBlobKeyError(key, "key must not be empty");
  for (const segment of key.split("/")) assertSafeSegment(key, segment);
}

/**
 * Validates a `list` prefix. It is a plain string prefix, so it may be empty, end with `/`, or end
 * in the middle of a segment; every complete segment before the last `/` follows the key rules.
 * @throws {InvalidBlobKeyError}
 */
export function assertValidPrefix(prefix: string): void {
  assertSafeText(prefix, "prefix");
  const segments = prefix.split("/");
  for (const segment of segments.slice(0, -1)) assertSafeSegment(prefix, segment);
}
