import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Storage type of each logical column type this migration uses, as it was when the migration
 * was released. Copied rather than imported from `dialect.ts`, so a later change there cannot
 * change the tables this migration creates.
 */
const STORAGE_TYPES: Record<DialectName, Record<"id" | "text" | "timestamp", string>> = {
  sqlite: { id: "text", text: "text", timestamp: "text" },
  postgres: { id: "text", text: "text", timestamp: "timestamptz(3)" },
};

/**
 * Sign-in sessions of the admin web pages (`web_sessions`). `token_hash` is unique: the cookie's
 * token is looked up by its SHA-256. `expires_at` serves the sweep of expired sessions.
 */
export function createWebSessions(dialect: DialectName) {
  const t = (type: keyof (typeof STORAGE_TYPES)[DialectName]) => sql.raw(STORAGE_TYPES[dialect][type]);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that no longer matches DB
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("web_sessions")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("user_id", t("id"), (c) => c.notNull().references("users.id"))
        .addColumn("token_hash", t("text"), (c) => c.notNull())
        .addColumn("csrf_token", t("text"), (c) => c.notNull())
        .addColumn("ip", t("text"))
        .addColumn("user_agent", t("text"))
        .addColumn("last_seen_at", t("timestamp"), (c) => c.notNull())
        .addColumn("expires_at", t("timestamp"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("web_sessions_token_hash_key", ["token_hash"])
        .execute();
      await db.schema
        .createIndex("web_sessions_expires_at_idx")
        .on("web_sessions")
        .columns(["expires_at"])
        .execute();
      await db.schema
        .createIndex("web_sessions_account_id_user_id_idx")
        .on("web_sessions")
        .columns(["account_id", "user_id"])
        .execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: see above
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable("web_sessions").ifExists().execute();
    },
  };
}
