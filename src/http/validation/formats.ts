import { FormatRegistry, Kind, type TSchema, type TUnsafe, Type, TypeRegistry } from "@sinclair/typebox";
import type { ColumnSpec } from "../../db/schema/index.js";
import { isUuid } from "../../domain/ids.js";

/**
 * TypeBox checks only the formats registered here (an unknown format always fails), so these are
 * the exact rules of the API: RFC 3339 date-times with an offset, calendar dates, UUIDs.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether year-month-day names a real day (no 2026-02-30) of the years 0001–9999 (no year 0). */
function isRealDay(y: string, m: string, d: string): boolean {
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(m) - 1, Number(d)); // Date.UTC would read year 0–99 as 19xx
  return Number(y) >= 1 && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d);
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
// An absolute URL; which schemes a column takes is its `pattern` (db/schema/columns.ts WEB_URL).
FormatRegistry.Set("uri", (value) => URL.canParse(value));

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

/** Non-standard keyword: what a value failing `pattern` / `format` is told (the catalog's `rule`). */
export const RULE_MESSAGE = "x-rule";

/**
 * The input schema of a text column: its `pattern`, `format` and rule from the catalog when it
 * has them (NUL is then refused by the service), else any text without NUL.
 */
export function ColumnText(
  col: Pick<ColumnSpec, "pattern" | "format" | "rule">,
  opts: { minLength?: number; maxLength?: number; description?: string } = {},
) {
  if (col.pattern === undefined && col.format === undefined) return Text(opts);
  return Type.String({
    ...(col.pattern !== undefined ? { pattern: col.pattern } : { pattern: NO_NUL_PATTERN }),
    ...(col.format !== undefined ? { format: col.format } : {}),
    ...(col.rule !== undefined ? { [RULE_MESSAGE]: col.rule } : {}),
    ...opts,
  });
}

/** An id (UUID, as every id of this API). */
export function Id(opts: { description?: string } = {}) {
  return Type.String({ format: "uuid", ...opts });
}

/** `schema` or `null`. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}
