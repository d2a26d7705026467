import type { Insertable, Kysely } from "kysely";
import { MAX_BIND_PARAMETERS } from "../db/dialect.js";
import type { DB, TableName } from "../db/schema/index.js";

/**
 * Inserts many rows with multi-row INSERTs sized to stay under the database's bind-parameter
 * limit. Used by seeding and import, where row-at-a-time inserts would take hours.
 * Run it inside a transaction: a failed chunk must not leave half a batch behind.
 */
export async function insertRows<T extends TableName>(
  db: Kysely<DB>,
  table: T,
  rows: readonly Insertable<DB[T]>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as object).length || 1;
  const chunk = Math.max(1, Math.floor(MAX_BIND_PARAMETERS / columns));
  for (let i = 0; i < rows.length; i += chunk) {
    await db
      .insertInto(table)
      // biome-ignore lint/suspicious/noExplicitAny: Kysely cannot narrow a generic table's insert type
      .values(rows.slice(i, i + chunk) as any)
      .execute();
  }
}
