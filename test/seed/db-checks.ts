import { type Kysely, sql } from "kysely";
import { type DB, ENTITY_TABLES, TABLE_NAMES, tableSpec } from "../../src/db/schema/index.js";

/** Tables of account data the seed must fill: every exported table but tokens and tombstones. */
export const SEEDED_TABLES = TABLE_NAMES.filter(
  (t) => !("excluded" in tableSpec(t).export) && t !== "api_tokens" && t !== "deletions",
);

/** Every row of an account, per table, sorted by id (the account row under `accounts`). */
export async function dumpAccount(db: Kysely<DB>, accountId: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLE_NAMES) {
    const column = table === "accounts" ? "id" : "account_id";
    const rows = await sql<
      Record<string, unknown>
    >`select * from ${sql.table(table)} where ${sql.ref(column)} = ${accountId}`.execute(db);
    out[table] = rows.rows
      .map(normalise)
      .sort((a, b) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0));
  }
  return out;
}

// Raw SQL bypasses the result plugins: make SQLite's 0/1 booleans and PostgreSQL's numeric
// strings comparable by turning booleans into 0/1 everywhere.
function normalise(row: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(row)) if (typeof v === "boolean") row[k] = v ? 1 : 0;
  return row;
}

/**
 * Rows whose foreign keys (catalog `references`, and polymorphic type/id pairs) point at a row that
 * is missing or belongs to another account. Returns "table.column: n" strings; empty when all hold.
 */
export async function foreignKeyProblems(db: Kysely<DB>): Promise<string[]> {
  const problems: string[] = [];
  const count = async (query: ReturnType<typeof sql<{ n: number | string }>>, label: string) => {
    const n = Number((await query.execute(db)).rows[0]?.n ?? 0);
    if (n > 0) problems.push(`${label}: ${n}`);
  };
  for (const table of TABLE_NAMES) {
    const spec = tableSpec(table);
    if (spec.accountScoped === false) continue;
    for (const [column, col] of Object.entries(spec.columns)) {
      if (!col.references) continue;
      const target = col.references;
      const sameAccount = target === "accounts" ? sql`` : sql`and r.account_id = t.account_id`;
      await count(
        sql`select count(*) as n from ${sql.table(table)} t where t.${sql.ref(column)} is not null and not exists (select 1 from ${sql.table(target)} r where r.id = t.${sql.ref(column)} ${sameAccount})`,
        `${table}.${column} → ${target}`,
      );
    }
    if (spec.polymorphic) {
      const { typeColumn, idColumn } = spec.polymorphic;
      for (const [type, target] of Object.entries(ENTITY_TABLES)) {
        await count(
          sql`select count(*) as n from ${sql.table(table)} t where t.${sql.ref(typeColumn)} = ${type} and not exists (select 1 from ${sql.table(target)} r where r.id = t.${sql.ref(idColumn)} and r.account_id = t.account_id)`,
          `${table}.${idColumn} (${type}) → ${target}`,
        );
      }
    }
  }
  return problems;
}
