import { addCalendarMonths } from "../domain/backup-period.js";
import type { ExportFormatId } from "./export-format.js";

/**
 * Links of a full export or snapshot live 7 days after it finished
 * (docs/EXPORTS.md#the-full-data-export, GitHub's archive).
 */
export const LINK_DAYS = 7;
export const DAY_MS = 86_400_000;
/** Monthly backups stay downloadable for this many months unless the schedule says otherwise. */
export const DEFAULT_BACKUP_RETENTION_MONTHS = 3;

/**
 * When a run's files expire: a backup after the account's retention (default 3 months,
 * docs/EXPORTS.md#the-monthly-backup), every other export 7 days after it finished
 * (docs/EXPORTS.md#the-full-data-export). The sweep deletes the blobs then.
 */
export function artifactExpiry(format: ExportFormatId, finishedAt: Date, retentionMonths?: number): Date {
  if (format === "backup")
    return addCalendarMonths(finishedAt, retentionMonths ?? DEFAULT_BACKUP_RETENTION_MONTHS);
  return new Date(finishedAt.getTime() + LINK_DAYS * DAY_MS);
}
