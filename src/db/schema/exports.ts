import { base, bigint, boolean, integer, json, oneOf, ref, stamps, text, timestamp } from "./columns.js";
import type { TableSpec } from "./table-spec.js";

/** Export formats; the id is the same in the API, the CLI, DB rows and the format registry. */
export const EXPORT_FORMATS = ["backup", "full", "snapshot"] as const;

/**
 * States of an export run (docs/EXPORTS.md#export-runs). `awaiting_payment` → `queued` when the
 * account has no pending invoice; `queued` → `running` when a worker claims it; `running` →
 * `succeeded`, `failed`, or back to `queued` (retry with backoff, or a lease that expired because
 * its worker died); `succeeded` → `expired` when the retention sweep has deleted the artifacts.
 */
export const EXPORT_STATES = [
  "awaiting_payment",
  "queued",
  "running",
  "succeeded",
  "failed",
  "expired",
] as const;

/** Who asked for a run: someone in the app or API, the monthly schedule, or `hirevault export`. */
export const EXPORT_TRIGGERS = ["manual", "schedule", "cli"] as const;

const HOUSEKEEPING =
  "export bookkeeping (jobs, their files and schedule), not recruiting data: a restored account starts with none";

/** Export jobs (a durable state machine: jobs are rows), their artifacts and the backup schedule. */
export const exportTables = {
  export_runs: {
    entity: "export_run",
    columns: {
      ...base,
      format: oneOf(EXPORT_FORMATS),
      state: oneOf(EXPORT_STATES),
      trigger: oneOf(EXPORT_TRIGGERS),
      period: text({
        nullable: true,
        description: "YYYY-MM of a scheduled backup, in the account's time zone",
      }),
      active_key: text({
        nullable: true,
        description:
          "the format while the run waits or runs, else null: unique per account, so concurrent requests share one run",
      }),
      requested_by_id: ref("users", "set null", { nullable: true }),
      attempts: integer(),
      max_attempts: integer(),
      run_at: timestamp({ description: "not before: backoff of the next attempt" }),
      lease_owner: text({ nullable: true }),
      lease_expires_at: timestamp({ nullable: true }),
      progress_done: bigint(),
      progress_total: bigint({ nullable: true }),
      snapshot_at: timestamp({ nullable: true, description: "the instant of the data the artifacts hold" }),
      started_at: timestamp({ nullable: true }),
      finished_at: timestamp({ nullable: true }),
      expires_at: timestamp({
        nullable: true,
        description: "links answer 410 and the sweep deletes the files after it",
      }),
      revoked_at: timestamp({ nullable: true }),
      error: text({ nullable: true }),
      warnings: json({ nullable: true, description: "files that could not be read, with the reason" }),
      ...stamps,
    },
    unique: [
      ["account_id", "active_key"],
      ["account_id", "format", "period"],
    ],
    indexes: [
      ["state", "run_at"],
      ["account_id", "format", "created_at"],
    ],
    export: { excluded: HOUSEKEEPING },
  },
  export_artifacts: {
    entity: "export_artifact",
    columns: {
      ...base,
      export_run_id: ref("export_runs", "cascade"),
      part: text({
        description: "which file of the export: backup, report, data, attachments, cvs, master…",
      }),
      file_name: text(),
      content_type: text(),
      storage_key: text({ secret: true }),
      size_bytes: bigint(),
      sha256: text(),
      ...stamps,
    },
    unique: [["export_run_id", "part"]],
    export: { excluded: HOUSEKEEPING },
  },
  backup_schedules: {
    entity: "backup_schedule",
    columns: {
      ...base,
      enabled: boolean(),
      day_of_month: integer({ description: "1–31, clamped to the month's last day" }),
      retention_months: integer(),
      enabled_at: timestamp({ nullable: true }),
      next_due_at: timestamp({ nullable: true, description: "when the scheduler makes the next backup" }),
      enabled_by_id: ref("users", "set null", { nullable: true }),
      ...stamps,
    },
    unique: [["account_id"]],
    export: { excluded: HOUSEKEEPING },
  },
} as const satisfies Record<string, TableSpec>;
