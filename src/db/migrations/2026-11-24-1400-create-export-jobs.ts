import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Storage type of each logical column type this migration uses, as it was when the migration
 * was released. Copied rather than imported from `dialect.ts`, so a later change there cannot
 * change the tables this migration creates.
 */
const STORAGE_TYPES: Record<
  DialectName,
  Record<"id" | "text" | "json" | "integer" | "bigint" | "boolean" | "timestamp", string>
> = {
  sqlite: {
    id: "text",
    text: "text",
    json: "text",
    integer: "integer",
    bigint: "integer",
    boolean: "integer",
    timestamp: "text",
  },
  postgres: {
    id: "text",
    text: "text",
    json: "text",
    integer: "integer",
    bigint: "bigint",
    boolean: "boolean",
    timestamp: "timestamptz(3)",
  },
};

/**
 * Export jobs as rows (docs/EXPORTS.md#export-runs): `export_runs` is the durable state machine
 * workers claim with leases, `export_artifacts` the files a run published, `backup_schedules` the
 * monthly backup setting. Frozen once released.
 *
 * Two unique constraints carry the "exactly once" rules, on both databases alike (NULLs are
 * distinct in SQLite and PostgreSQL): `(account_id, active_key)` — one waiting or running run per
 * account and format, so concurrent requests share it — and `(account_id, format, period)` — one
 * scheduled backup per account and month, whatever the number of schedulers.
 */
export function createExportJobs(dialect: DialectName) {
  const t = (type: keyof (typeof STORAGE_TYPES)[DialectName]) => sql.raw(STORAGE_TYPES[dialect][type]);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that no longer matches DB
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("export_runs")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("format", t("text"), (c) => c.notNull())
        .addColumn("state", t("text"), (c) => c.notNull())
        .addColumn("trigger", t("text"), (c) => c.notNull())
        .addColumn("period", t("text"))
        .addColumn("active_key", t("text"))
        .addColumn("requested_by_id", t("id"), (c) => c.references("users.id"))
        .addColumn("attempts", t("integer"), (c) => c.notNull())
        .addColumn("max_attempts", t("integer"), (c) => c.notNull())
        .addColumn("run_at", t("timestamp"), (c) => c.notNull())
        .addColumn("lease_owner", t("text"))
        .addColumn("lease_expires_at", t("timestamp"))
        .addColumn("progress_done", t("bigint"), (c) => c.notNull())
        .addColumn("progress_total", t("bigint"))
        .addColumn("snapshot_at", t("timestamp"))
        .addColumn("started_at", t("timestamp"))
        .addColumn("finished_at", t("timestamp"))
        .addColumn("expires_at", t("timestamp"))
        .addColumn("revoked_at", t("timestamp"))
        .addColumn("error", t("text"))
        .addColumn("warnings", t("json"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("export_runs_account_id_active_key_key", ["account_id", "active_key"])
        .addUniqueConstraint("export_runs_account_id_format_period_key", ["account_id", "format", "period"])
        .execute();
      await db.schema
        .createIndex("export_runs_state_run_at_idx")
        .on("export_runs")
        .columns(["state", "run_at"])
        .execute();
      await db.schema
        .createIndex("export_runs_account_id_format_created_at_idx")
        .on("export_runs")
        .columns(["account_id", "format", "created_at"])
        .execute();
      await db.schema
        .createIndex("export_runs_state_expires_at_idx")
        .on("export_runs")
        .columns(["state", "expires_at"])
        .execute();

      await db.schema
        .createTable("export_artifacts")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("export_run_id", t("id"), (c) => c.notNull().references("export_runs.id"))
        .addColumn("part", t("text"), (c) => c.notNull())
        .addColumn("file_name", t("text"), (c) => c.notNull())
        .addColumn("content_type", t("text"), (c) => c.notNull())
        .addColumn("storage_key", t("text"), (c) => c.notNull())
        .addColumn("size_bytes", t("bigint"), (c) => c.notNull())
        .addColumn("sha256", t("text"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("export_artifacts_export_run_id_part_key", ["export_run_id", "part"])
        .execute();

      await db.schema
        .createTable("backup_schedules")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("enabled", t("boolean"), (c) => c.notNull())
        .addColumn("day_of_month", t("integer"), (c) => c.notNull())
        .addColumn("retention_months", t("integer"), (c) => c.notNull())
        .addColumn("enabled_at", t("timestamp"))
        .addColumn("next_due_at", t("timestamp"))
        .addColumn("enabled_by_id", t("id"), (c) => c.references("users.id"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("backup_schedules_account_id_key", ["account_id"])
        .execute();
      await db.schema
        .createIndex("backup_schedules_enabled_next_due_at_idx")
        .on("backup_schedules")
        .columns(["enabled", "next_due_at"])
        .execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: see above
    async down(db: Kysely<any>): Promise<void> {
      for (const table of ["backup_schedules", "export_artifacts", "export_runs"])
        await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
