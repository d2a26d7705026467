import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Storage type of each logical column type this migration uses, as it was when the migration
 * was released. Copied rather than imported from `dialect.ts`, so a later change there cannot
 * change the tables this migration creates.
 */
const STORAGE_TYPES: Record<DialectName, Record<"id" | "text" | "integer" | "timestamp", string>> = {
  sqlite: { id: "text", text: "text", integer: "integer", timestamp: "text" },
  postgres: { id: "text", text: "text", integer: "integer", timestamp: "timestamptz(3)" },
};

/**
 * The email outbox (`outbox_emails`): rows written in the transaction that finishes or fails an
 * export, sent afterwards by the worker's send-emails task. Frozen once released.
 *
 * `(export_run_id, kind)` is unique, so however often an export's publish or failure is retried,
 * its email is enqueued once (docs/EXPORTS.md#email, docs/EXPORTS.md#export-runs). `(state,
 * next_attempt_at)` serves the claim.
 */
export function createOutbox(dialect: DialectName) {
  const t = (type: keyof (typeof STORAGE_TYPES)[DialectName]) => sql.raw(STORAGE_TYPES[dialect][type]);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that no longer matches DB
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("outbox_emails")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("kind", t("text"), (c) => c.notNull())
        .addColumn("export_run_id", t("id"), (c) => c.notNull().references("export_runs.id"))
        .addColumn("recipient_id", t("id"), (c) => c.references("users.id"))
        .addColumn("state", t("text"), (c) => c.notNull())
        .addColumn("attempts", t("integer"), (c) => c.notNull())
        .addColumn("next_attempt_at", t("timestamp"), (c) => c.notNull())
        .addColumn("lease_owner", t("text"))
        .addColumn("lease_expires_at", t("timestamp"))
        .addColumn("sent_at", t("timestamp"))
        .addColumn("message_id", t("text"))
        .addColumn("error", t("text"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("outbox_emails_export_run_id_kind_key", ["export_run_id", "kind"])
        .execute();
      await db.schema
        .createIndex("outbox_emails_state_next_attempt_at_idx")
        .on("outbox_emails")
        .columns(["state", "next_attempt_at"])
        .execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: see above
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable("outbox_emails").ifExists().execute();
    },
  };
}
