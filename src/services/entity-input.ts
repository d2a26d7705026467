import { type ColumnSpec, numberBounds, type TableSpec } from "../db/schema/index.js";
import { type FieldError, ValidationError } from "../domain/errors.js";
import { isUuid } from "../domain/ids.js";

/** Columns the server always sets itself. */
const SERVER_COLUMNS = new Set(["id", "account_id", "created_at", "updated_at"]);

/** Columns a caller may write on a table. */
export function writableColumns(spec: TableSpec): [string, ColumnSpec][] {
  return Object.entries(spec.columns).filter(
    ([name, c]) => !SERVER_COLUMNS.has(name) && !c.readonly && !c.secret,
  );
}

/** Characters PostgreSQL's text type cannot hold, and UTF-16 halves that are not text. */
const NOT_STORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Years both databases store alike (PostgreSQL has no year 0; four digits sort as text). */
const STORABLE_YEAR = /^(?!0000)\d{4}-/;

/** Whether a text meets its column's `pattern` and `format` (see `ColumnSpec`). */
export function meetsTextRules(col: ColumnSpec, value: string): boolean {
  if (col.pattern !== undefined && !new RegExp(col.pattern, "u").test(value)) return false;
  if (col.format === "uri" && !URL.canParse(value)) return false;
  return true;
}

function inBounds(col: ColumnSpec, value: number): boolean {
  const { minimum, maximum } = numberBounds(col);
  return (minimum === undefined || value >= minimum) && (maximum === undefined || value <= maximum);
}

/** "an integer from 0 to 2147483647", as the API schema's messages say it. */
function boundsWords(noun: string, col: ColumnSpec): string {
  const { minimum, maximum } = numberBounds(col);
  if (minimum !== undefined && maximum !== undefined) return `${noun} from ${minimum} to ${maximum}`;
  if (minimum !== undefined) return `${noun} of at least ${minimum}`;
  return `${noun} of at most ${maximum}`;
}

/** Checks a text value can be stored on both databases. */
export function checkText(field: string, value: string, errors: FieldError[]): void {
  if (NOT_STORABLE.test(value)) errors.push({ field, message: "contains a NUL character or broken UTF-16" });
}

/**
 * Converts one input value to its stored form, or records why it cannot be.
 * Timestamps are normalised to ISO 8601 UTC with milliseconds; JSON is stored as its text.
 */
export function coerceValue(field: string, col: ColumnSpec, value: unknown, errors: FieldError[]): unknown {
  if (value === null || value === undefined) {
    if (!col.nullable) errors.push({ field, message: "must not be null" });
    return null;
  }
  const fail = (message: string) => {
    errors.push({ field, message });
    return undefined;
  };
  switch (col.type) {
    case "id":
      return typeof value === "string" && isUuid(value) ? value : fail("must be an id (UUID)");
    case "text": {
      if (typeof value !== "string") return fail("must be a string");
      checkText(field, value, errors);
      if (col.values && !col.values.includes(value)) return fail(`must be one of: ${col.values.join(", ")}`);
      return meetsTextRules(col, value) ? value : fail(col.rule ?? "has an invalid format");
    }
    case "integer":
    case "bigint":
      if (!Number.isSafeInteger(value)) return fail("must be an integer");
      return inBounds(col, value as number) ? value : fail(`must be ${boundsWords("an integer", col)}`);
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return fail("must be a number");
      return inBounds(col, value) ? value : fail(`must be ${boundsWords("a number", col)}`);
    case "boolean":
      return typeof value === "boolean" ? value : fail("must be true or false");
    case "timestamp": {
      if (typeof value !== "string" || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
        return fail("must be an ISO 8601 date-time with a time zone, e.g. 2026-11-24T09:30:00Z");
      }
      const iso = new Date(value).toISOString();
      return STORABLE_YEAR.test(iso) ? iso : fail("must be in the years 0001 to 9999 (UTC)");
    }
    case "date": {
      if (typeof value !== "string" || !DATE.test(value)) return fail("must be a date, YYYY-MM-DD");
      const d = new Date(`${value}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || !d.toISOString().startsWith(value)) return fail("is not a real date");
      return STORABLE_YEAR.test(value) ? value : fail("must be in the years 0001 to 9999");
    }
    case "json": {
      const text = JSON.stringify(value);
      checkText(field, text, errors);
      return text;
    }
  }
}

/**
 * Validates and converts an input object for a table. `partial` (updates) skips required checks.
 * `extras` are keys handled by table rules (e.g. `emails` on persons) and passed through.
 */
export function normalizeInput(
  spec: TableSpec,
  input: Record<string, unknown>,
  opts: { partial: boolean; extras?: readonly string[]; defaults?: Record<string, unknown> },
): { values: Record<string, unknown>; extras: Record<string, unknown> } {
  const errors: FieldError[] = [];
  const writable = new Map(writableColumns(spec));
  const values: Record<string, unknown> = {};
  const extras: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (opts.extras?.includes(key)) extras[key] = value;
    else if (!writable.has(key)) {
      errors.push({ field: key, message: spec.columns[key] ? "is read-only" : "is not a known field" });
    }
  }
  for (const [name, col] of writable) {
    const given = Object.hasOwn(input, name);
    if (!given && opts.partial) continue;
    const raw = given ? input[name] : opts.defaults?.[name];
    if (raw === undefined) {
      if (col.nullable) values[name] = null;
      else errors.push({ field: name, message: "is required" });
      continue;
    }
    const v = coerceValue(name, col, raw, errors);
    if (v !== undefined) values[name] = v;
  }
  if (errors.length) throw new ValidationError(errors);
  return { values, extras };
}
