/**
 * MS-DOS date/time (APPNOTE 6.3.10 §4.4.6) and Unix time for the extended timestamp
 * extra field (0x5455, APPNOTE §4.6, Info-ZIP "UT"). DOS time has no time zone; zip tools
 * read it as local time, which differs per machine, so we write the **UTC** fields: the
 * archive is the same wherever it is built, and the 0x5455 field carries the exact instant.
 */

/** DOS date and time words of `d` (UTC fields, 2-second resolution, clamped to 1980–2107). */
export function dosDateTime(d: Date): { date: number; time: number } {
  let ms = d.getTime();
  if (!Number.isFinite(ms)) ms = 0;
  const min = Date.UTC(1980, 0, 1);
  const max = Date.UTC(2107, 11, 31, 23, 59, 58);
  const t = new Date(Math.min(Math.max(ms, min), max));
  const date = ((t.getUTCFullYear() - 1980) << 9) | ((t.getUTCMonth() + 1) << 5) | t.getUTCDate();
  const time = (t.getUTCHours() << 11) | (t.getUTCMinutes() << 5) | (t.getUTCSeconds() >> 1);
  return { date, time };
}

/** Seconds since the Unix epoch, clamped to the unsigned 32-bit range of the 0x5455 field. */
export function unixSeconds(d: Date): number {
  const s = Math.floor(d.getTime() / 1000);
  if (!Number.isFinite(s) || s < 0) return 0;
  return Math.min(s, 0xffffffff);
}
