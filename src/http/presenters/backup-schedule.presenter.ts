import { nextOccurrence } from "../../domain/backup-period.js";
import type { BackupScheduleService } from "../../services/backup-schedule.service.js";
import type { ExportService } from "../../services/export.service.js";
import type { WriteContext } from "../../services/write-context.js";
import { type LinkMinting, presentExportRun } from "./export-run.presenter.js";

/** Backups listed in Settings: the newest 24 that are still downloadable or on their way. */
const LISTED_BACKUPS = 24;

/**
 * Settings › Data Backup as data (docs/EXPORTS.md#the-monthly-backup), shared by the API and the
 * web page: the schedule, when the next backup is due, the latest finished backup and the listed
 * ones (downloadable or on their way; failed, expired and revoked runs are left out), plus the
 * newest run whatever its state, so a failure can be shown.
 */
export async function presentBackupSchedule(
  deps: { schedules: BackupScheduleService; exports: ExportService },
  ctx: WriteContext,
  minting: LinkMinting,
) {
  const { schedule, timeZone } = await deps.schedules.get(ctx);
  const runs = await deps.exports.list(ctx, { format: "backup", limit: LISTED_BACKUPS });
  const backups = runs
    .filter((r) => r.run.state !== "expired" && r.run.state !== "failed" && r.run.revoked_at === null)
    .map((r) => presentExportRun(r.run, r.artifacts, minting));
  const newest = runs[0] ? presentExportRun(runs[0].run, runs[0].artifacts, minting) : null;
  return {
    enabled: schedule.enabled,
    day_of_month: schedule.day_of_month,
    time_zone: timeZone,
    retention_months: schedule.retention_months,
    enabled_at: schedule.enabled_at,
    next_backup_at: schedule.enabled
      ? nextOccurrence(minting.clock.now(), schedule.day_of_month, timeZone).toISOString()
      : null,
    latest_backup: backups.find((b) => b.state === "succeeded") ?? null,
    backups,
    newest_run: newest,
  };
}
