/** Download file names of export files: `<account>-<kind>-<YYYY-MM-DD>.<ext>`. */

/**
 * `acme-backup-2026-01-31.zip`, `acme-data-files-2026-01-31.zip`…: the account name folded to
 * ASCII letters, digits, `.`, `_` and `-` (accents dropped, anything else a `-`), cut to 60
 * characters, so the name is safe in any file system and in a plain `Content-Disposition`
 * filename; the date is the snapshot's day in the account's time zone
 * (docs/EXPORTS.md#the-monthly-backup: periods are the account's months). An unknown time zone
 * falls back to UTC rather than failing the export.
 */
export function exportFileName(
  accountName: string,
  kind: string,
  extension: string,
  snapshotAt: Date,
  timeZone: string,
): string {
  return `${accountSlug(accountName)}-${kind}-${localDate(snapshotAt, timeZone)}.${extension}`;
}

/**
 * The account name folded to ASCII letters, digits, `.`, `_` and `-` (accents dropped, anything
 * else a `-`), at most 60 characters, never empty (`account`): `Café Müller & Co` → `Cafe-Muller-Co`.
 */
export function accountSlug(accountName: string): string {
  return (
    accountName
      .normalize("NFKD")
      .replace(/\p{M}+/gu, "")
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .replace(/^[-.]+|[-.]+$/g, "")
      .slice(0, 60)
      .replace(/[-.]+$/g, "") || "account"
  );
}

/** A backup's file name: `<account>-backup-<YYYY-MM-DD>.zip`. */
export function backupFileName(accountName: string, snapshotAt: Date, timeZone: string): string {
  return exportFileName(accountName, "backup", "zip", snapshotAt, timeZone);
}

/** A snapshot's file name: `<account>-snapshot-<YYYY-MM-DD>.zip` (docs/EXPORTS.md#the-snapshot). */
export function snapshotFileName(accountName: string, snapshotAt: Date, timeZone: string): string {
  return exportFileName(accountName, "snapshot", "zip", snapshotAt, timeZone);
}

/** `YYYY-MM-DD` of `at` in `timeZone` (UTC when the zone is unknown). */
export function localDate(at: Date, timeZone: string): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = dateParts(at, timeZone);
  } catch {
    parts = dateParts(at, "UTC");
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

function dateParts(at: Date, timeZone: string): Intl.DateTimeFormatPart[] {
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(at);
}
