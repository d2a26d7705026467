/**
 * `Range` and `If-Range` for single byte ranges (RFC 9110 §14). Multiple ranges are answered
 * with the whole file (a server MAY ignore Range, §14.2), which keeps responses simple and
 * never multipart/byteranges.
 */

export type RangeDecision =
  | { kind: "full" }
  | { kind: "partial"; start: number; end: number }
  | { kind: "unsatisfiable" };

const SINGLE = /^bytes=(\d*)-(\d*)$/i;

/**
 * Decides what to send for a file of `size` bytes with strong validator `etag`.
 * - no or unparsable `Range`, or several ranges → full;
 * - `If-Range` not equal to the current ETag (or a date: we send no Last-Modified) → full;
 * - `bytes=a-b`, `bytes=a-`, `bytes=-n` → partial, `end` clamped to the last byte;
 * - a first byte at or past the end, or `bytes=-0` → unsatisfiable (416).
 */
export function decideRange(
  rangeHeader: string | undefined,
  ifRange: string | undefined,
  size: number,
  etag: string,
): RangeDecision {
  if (!rangeHeader) return { kind: "full" };
  // §13.1.5: If-Range matches only a strong, byte-identical entity tag.
  if (ifRange !== undefined && ifRange.trim() !== etag) return { kind: "full" };
  const m = SINGLE.exec(rangeHeader.replaceAll(" ", ""));
  if (!m) return { kind: "full" };
  const [, first = "", last = ""] = m;
  if (first === "" && last === "") return { kind: "full" };
  if (first === "") {
    // Suffix range: the last n bytes.
    const n = Number(last);
    if (!Number.isSafeInteger(n) || n === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? Number.MAX_SAFE_INTEGER : Number(last);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return { kind: "full" };
  if (end < start) return { kind: "full" }; // invalid range-spec: ignored (§14.1.1)
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "partial", start, end: Math.min(end, size - 1) };
}
