/**
 * Validation of entry names as given to the writer (APPNOTE 6.3.10 §4.4.17.1: relative
 * paths, `/` as separator, no drive letter or leading slash). The writer does not rewrite
 * names — build them with `safeSegment` / `safePath` — it refuses the unsafe ones.
 */

/** Throws a `TypeError` unless `name` is a safe relative entry name (`dir` allows a trailing `/`). */
export function assertValidEntryName(name: string, dir = false): void {
  const fail = (why: string): never => {
    throw new TypeError(`invalid zip entry name ${JSON.stringify(name)}: ${why}`);
  };
  if (typeof name !== "string" || name.length === 0) fail("empty");
  if (name.includes("\0")) fail("contains NUL");
  if (name.includes("\\")) fail("contains a backslash (use /)");
  if (name.startsWith("/")) fail("absolute path");
  if (/^[A-Za-z]:/.test(name)) fail("drive letter");
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(name)) {
    fail("lone surrogate (not encodable as UTF-8)");
  }
  const body = dir && name.endsWith("/") ? name.slice(0, -1) : name;
  if (!dir && name.endsWith("/")) fail("ends with / (use addDirectory)");
  for (const seg of body.split("/")) {
    if (seg === "") fail("empty path segment");
    if (seg === "..") fail("'..' segment");
    if (seg === ".") fail("'.' segment");
  }
  if (Buffer.byteLength(name, "utf8") > 0xffff) fail("longer than 65,535 bytes");
}
