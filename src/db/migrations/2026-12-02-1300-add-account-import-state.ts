import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Storage type of each logical column type this migration uses, as it was when the migration
 * was released. Copied rather than imported from `dialect.ts`, so a later change there cannot
 * change the tables this migration creates.
 */
const STORAGE_TYPES: Record<DialectName, Record<"text" | "timestamp", string>> = {
  sqlite: { text: "text", timestamp: "text" },
  postgres: { text: "text", timestamp: "timestamptz(3)" },
};

/**
 * `accounts.status` and `accounts.import_lease_expires_at`: `hirevault import` commits the new
 * account's row first, as `importing`, then its rows in short batches, and makes it `active` in one
 * last short transaction; a failed or abandoned import is `removing` while its rows and files go.
 * Only an `active` account is reachable (tokens, sessions, links, jobs, the CLI). The lease is how
 * long an importing (or removing) process is trusted to be alive without renewing it; past it, a
 * worker removes what it left. Every account that exists before this migration is `active`.
 */
export function addAccountImportState(dialect: DialectName) {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that no longer matches DB
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable("accounts")
        .addColumn("status", sql.raw(STORAGE_TYPES[dialect].text), (c) => c.notNull().defaultTo("active"))
        .execute();
      await db.schema
        .alterTable("accounts")
        .addColumn("import_lease_expires_at", sql.raw(STORAGE_TYPES[dialect].timestamp))
        .execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: see above
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable("accounts").dropColumn("import_lease_expires_at").execute();
      await db.schema.alterTable("accounts").dropColumn("status").execute();
    },
  };
}
