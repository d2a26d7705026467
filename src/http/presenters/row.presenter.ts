import type { TableName } from "../../db/schema/index.js";
import { tableSpec } from "../../db/schema/index.js";

const secretsOf = new Map<string, string[]>();

/**
 * A service row as sent to clients. The service already drops secret columns and the response
 * schema lists only allowed fields; this is the third, explicit line: a secret column (token
 * hash, storage key) is deleted here whatever the layers above did.
 */
export function presentRow(table: TableName, row: Record<string, unknown>): Record<string, unknown> {
  let secrets = secretsOf.get(table);
  if (!secrets) {
    secrets = Object.entries(tableSpec(table).columns)
      .filter(([, c]) => c.secret)
      .map(([n]) => n);
    secretsOf.set(table, secrets);
  }
  if (secrets.length === 0) return row;
  const out = { ...row };
  for (const name of secrets) delete out[name];
  return out;
}

/** The canonical URL of a row, for `Location` headers. */
export function locationOf(path: string, id: string): string {
  return `/api/v1/${path}/${encodeURIComponent(id)}`;
}
