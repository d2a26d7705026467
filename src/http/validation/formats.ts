import { FormatRegistry, Kind, type TSchema, type TUnsafe, Type, TypeRegistry } from "@sinclair/typebox";
import { isUuid } from "../../domain/ids.js";

/**
 * TypeBox checks only the formats registered here (an unknown format always fails), so these are
 * the exact rules of the API: RFC 3339 date-times with an offset, calendar dates, UUIDs.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether year-month-day names a real day (no 2026-02-30). */
function isRealDay(y: string, m: string, d: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d);
}

/** RFC 3339 §5.6 `date-time`: a real day, a real time, and an explicit offset. */
export function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [, y, mo, d, h, mi, s] = m;
  return isRealDay(y!, mo!, d!) && Number(h) < 24 && Number(mi) < 60 && Number(s) < 61;
}

/** RFC 3339 `full-date`. */
export function isDate(value: string): boolean {
  const m = DATE.exec(value);
  return m !== null && isRealDay(m[1]!, m[2]!, m[3]!);
}

FormatRegistry.Set("date-time", isDateTime);
FormatRegistry.Set("date", isDate);
FormatRegistry.Set("uuid", isUuid);

// An enumerated string that documents as `{ type: "string", enum: [...] }` (clearer in OpenAPI
// than TypeBox's union of literals) and is still checked by the TypeBox compiler.
TypeRegistry.Set<{ enum: string[] }>("StringEnum", (schema, value) => {
  return typeof value === "string" && schema.enum.includes(value);
});

/** A string that must be one of `values`. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  opts: { description?: string } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ [Kind]: "StringEnum", type: "string", enum: [...values], ...opts });
}

/** PostgreSQL text cannot hold U+0000; refuse it at the door with a 422 naming the field. */
export const NO_NUL_PATTERN = "^[^\\u0000]*$";

/** A text input: any string without NUL characters. */
export function Text(opts: { minLength?: number; maxLength?: number; description?: string } = {}) {
  return Type.String({ pattern: NO_NUL_PATTERN, ...opts });
}

/** An id (UUID, as every id of this API). */
export function Id(opts: { description?: string } = {}) {
  return Type.String({ format: "uuid", ...opts });
}

/** `schema` or `null`. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}
