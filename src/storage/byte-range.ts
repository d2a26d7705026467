import { type ByteRange, InvalidByteRangeError } from "./blob-store.js";

/**
 * Rejects ranges no object could satisfy: start and end must be integers, start ≥ 0, end ≥ start.
 * @throws {InvalidByteRangeError}
 */
export function assertValidRange(range: ByteRange): void {
  const { start, end } = range;
  const badStart = !Number.isSafeInteger(start) || start < 0;
  const badEnd = end !== undefined && (!Number.isSafeInteger(end) || end < start);
  if (badStart || badEnd) throw new InvalidByteRangeError(range);
}

/**
 * Resolves a valid range against an object's size with HTTP semantics: `null` when it starts at or
 * past the end (416), otherwise the inclusive byte span with `end` clamped to the last byte.
 */
export function resolveRange(range: ByteRange, size: number): { start: number; end: number } | null {
  if (range.start >= size) return null;
  return { start: range.start, end: Math.min(range.end ?? size - 1, size - 1) };
}

/** Formats an HTTP `Range` header value, e.g. `bytes=0-99` or `bytes=100-`. */
export function toRangeHeader(range: ByteRange): string {
  return `bytes=${range.start}-${range.end ?? ""}`;
}
