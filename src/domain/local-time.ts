import { offsetMs, wallClock } from "./backup-period.js";

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, "0");

/**
 * ISO 8601 with the zone's UTC offset at that instant (whole seconds): `2026-12-01T10:00:00+01:00`.
 * What the master CSV shows for link expiries (SPEC §2.2: "ISO 8601 with offset"), so an admin
 * reads their own clock; an unknown zone falls back to UTC (`+00:00`) rather than failing.
 */
export function isoWithOffset(instant: Date, timeZone: string): string {
  let zone = timeZone;
  try {
    wallClock(instant, zone);
  } catch {
    zone = "UTC";
  }
  const w = wallClock(instant, zone);
  const offsetMinutes = Math.round(offsetMs(instant, zone) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const date = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
  const time = `${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
  return `${date}T${time}${sign}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
}
