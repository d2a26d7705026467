/**
 * The column vocabulary of the catalog. Every table of the product is described with these
 * helpers once (Ghost's `schema.js` idea): the Kysely row types, the API schemas, the cascade
 * on delete and the export classification are all derived from that one description.
 * Migrations are the exception: they are frozen history, written out in full.
 */

/** Logical column types; `dialect.ts` maps them to SQLite / PostgreSQL storage types. */
export type ColumnType =
  | "id"
  | "text"
  | "integer"
  | "bigint"
  | "number"
  | "boolean"
  | "timestamp"
  | "date"
  | "json";

/** What happens to a row when the row it references is deleted (applied by the app, not the DB). */
export type OnDelete = "cascade" | "set null" | "restrict";

export interface ColumnSpec {
  readonly type: ColumnType;
  readonly nullable?: boolean;
  /** Foreign key target table (same account). */
  readonly references?: string;
  readonly onDelete?: OnDelete;
  /** Allowed values of an enumerated text column. */
  readonly values?: readonly string[];
  /** Never leaves the server: not in API responses, not in any export (hashes, storage keys). */
  readonly secret?: boolean;
  /** Set by the server, never accepted from API input. */
  readonly readonly?: boolean;
  readonly description?: string;
  /**
   * Rules on the values beyond the type, checked on every write (API, CLI, import) and shown in
   * the OpenAPI document. Numbers: inclusive bounds (JSON Schema `minimum` / `maximum`), within
   * the storage range of the type anyway (see {@link numberBounds}).
   */
  readonly minimum?: number;
  readonly maximum?: number;
  /** Text: an ECMA-262 pattern it must match (JSON Schema `pattern`: unanchored unless ^…$). */
  readonly pattern?: string;
  /** Text: `uri` — an absolute URL (JSON Schema `format`); `pattern` says which schemes. */
  readonly format?: "uri";
  /** What the caller is told when `pattern` or `format` is not met ("must be …"). */
  readonly rule?: string;
}

/** Text with something besides white space in it (titles). */
export const NOT_BLANK = { pattern: "\\S", rule: "must not be empty or only white space" } as const;

/** An ISO 4217 alphabetic currency code. */
export const CURRENCY_CODE = {
  pattern: "^[A-Z]{3}$",
  rule: "must be an ISO 4217 currency code: three capital letters, e.g. EUR",
} as const;

/**
 * A web address people may open from the data: http or https only, so a `javascript:`, `data:`
 * or `vbscript:` URL can never be stored and later run by a client that renders it as a link.
 */
export const WEB_URL = {
  format: "uri",
  pattern: "^[Hh][Tt][Tt][Pp][Ss]?://",
  rule: "must be an http:// or https:// URL",
} as const;

/**
 * The bounds a number column accepts: its own `minimum` / `maximum` within what the storage type
 * holds exactly on both databases — PostgreSQL `integer` is 32-bit, and a JavaScript number is
 * exact to 2^53 (`bigint`). Without them a large value was a 500 from PostgreSQL.
 */
export function numberBounds(col: ColumnSpec): { minimum?: number; maximum?: number } {
  const storage =
    col.type === "integer"
      ? { minimum: -(2 ** 31), maximum: 2 ** 31 - 1 }
      : col.type === "bigint"
        ? { minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }
        : {};
  const minimum = Math.max(col.minimum ?? -Infinity, storage.minimum ?? -Infinity);
  const maximum = Math.min(col.maximum ?? Infinity, storage.maximum ?? Infinity);
  return {
    ...(Number.isFinite(minimum) ? { minimum } : {}),
    ...(Number.isFinite(maximum) ? { maximum } : {}),
  };
}

type Opts = Omit<ColumnSpec, "type" | "references" | "onDelete" | "values">;

const make =
  <T extends ColumnType>(type: T) =>
  <const O extends Opts = Record<never, never>>(opts?: O) =>
    ({ type, ...(opts ?? {}) }) as { type: T } & O;

export const text = make("text");
export const integer = make("integer");
export const bigint = make("bigint");
export const number = make("number");
export const boolean = make("boolean");
export const timestamp = make("timestamp");
export const date = make("date");
export const json = make("json");

/** Enumerated text column. */
export const oneOf = <const V extends readonly string[], const O extends Opts = Record<never, never>>(
  values: V,
  opts?: O,
) => ({ type: "text", values, ...(opts ?? {}) }) as { type: "text"; values: V } & O;

/** Foreign key to another table of the same account. */
export const ref = <
  const T extends string,
  const D extends OnDelete,
  const O extends Opts = Record<never, never>,
>(
  table: T,
  onDelete: D,
  opts?: O,
) =>
  ({ type: "id", references: table, onDelete, ...(opts ?? {}) }) as {
    type: "id";
    references: T;
    onDelete: D;
  } & O;

/** The columns every account-scoped table starts with. */
export const base = {
  id: { type: "id", readonly: true },
  account_id: { type: "id", references: "accounts", onDelete: "cascade", readonly: true },
} as const;

/** The columns every table ends with; `updated_at` drives `updated_since` sync. */
export const stamps = {
  created_at: { type: "timestamp", readonly: true },
  updated_at: { type: "timestamp", readonly: true },
} as const;
