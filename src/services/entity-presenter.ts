import type { TableName } from "../db/schema/index.js";
import { tableSpec } from "../db/schema/index.js";
import type { StoredRow } from "../repositories/entity.repository.js";

/**
 * A stored row as the API shows it: secret columns (hashes, storage keys) removed, JSON columns
 * parsed back into values. Extras (emails, tags, custom fields…) are added by the table's rules.
 */
export function toApiRow(table: TableName, row: StoredRow): Record<string, unknown> {
  const spec = tableSpec(table);
  const out: Record<string, unknown> = {};
  for (const [name, col] of Object.entries(spec.columns)) {
    if (col.secret) continue;
    const v = row[name];
    out[name] = col.type === "json" && typeof v === "string" ? parseJson(v) : (v ?? null);
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // stored before validation existed, or by hand: show it rather than fail the read
  }
}
