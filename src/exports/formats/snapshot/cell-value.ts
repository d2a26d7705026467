/**
 * A stored value as a snapshot CSV field (docs/EXPORTS.md#the-snapshot: "values never altered for
 * spreadsheets"). Text, JSON, timestamps and dates are written exactly as the database returns them
 * — both dialects return ISO 8601 UTC instants (`2026-11-24T09:00:00.000Z`) and `YYYY-MM-DD` dates
 * (`db/create-db.ts`) — booleans as `true`/`false` (the machine dialect), numbers in JavaScript's
 * shortest round-trip form, NULL as NULL (an empty unquoted field; `""` is the empty string).
 */
import type { CsvValue } from "../../csv/csv-dialect.js";

export function snapshotCell(value: unknown): CsvValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
    case "bigint":
      return value;
    case "number":
      return numberText(value);
    default:
      // Neither database driver returns objects for the catalog's types (dates and JSON are text);
      // a Date would come from a driver change: keep the instant, in UTC.
      return value instanceof Date ? value.toISOString() : String(value);
  }
}

/**
 * `String(n)` (`0.1`, `1e+21`), which `Number()` reads back exactly; the non-finite values of a
 * PostgreSQL `double precision` as Table Schema spells them (`NaN`, `INF`, `-INF`).
 */
function numberText(n: number): string {
  if (Number.isFinite(n)) return String(n);
  if (Number.isNaN(n)) return "NaN";
  return n > 0 ? "INF" : "-INF";
}
