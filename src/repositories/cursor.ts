import { ValidationError } from "../domain/errors.js";
import { isUuid } from "../domain/ids.js";

/**
 * Keyset cursor: the sort key of the last row of a page. Opaque to clients (base64url JSON),
 * checked on the way back in so a forged or truncated cursor is a 400 naming `cursor`, not a 500:
 * only the exact bytes this API writes are accepted — an id that is a UUID, a time in the
 * `toISOString()` form, and nothing else (no other spelling of the same JSON).
 */
export type Cursor = { id: string; updatedAt?: string };

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c.updatedAt ? [c.id, c.updatedAt] : [c.id])).toString("base64url");
}

export function decodeCursor(raw: string): Cursor {
  const bad = () => ValidationError.field("cursor", "is not a cursor returned by this API");
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(raw)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length < 1 || parsed.length > 2) throw bad();
  const [id, updatedAt] = parsed as unknown[];
  if (typeof id !== "string" || !isUuid(id)) throw bad();
  if (updatedAt !== undefined && (typeof updatedAt !== "string" || !isInstant(updatedAt))) throw bad();
  const cursor = updatedAt === undefined ? { id } : { id, updatedAt: updatedAt as string };
  if (encodeCursor(cursor) !== raw) throw bad();
  return cursor;
}

/** A time as stored and written into cursors: `2026-11-24T09:30:00.000Z`. */
function isInstant(text: string): boolean {
  const ms = Date.parse(text);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === text;
}
