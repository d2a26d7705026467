import { offsetMs, wallClock } from "./backup-period.js";

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, "0");

/** The wall clock of `instant` in `timeZone` (UTC when the zone is unknown) and its UTC offset. */
function localParts(instant: Date, timeZone: string) {
  let zone = timeZone;
  try {
    wallClock(instant, zone);
  } catch {
    zone = "UTC";
  }
  const w = wallClock(instant, zone);
  const minutes = Math.round(offsetMs(instant, zone) / 60_000);
  const offset = `${minutes < 0 ? "-" : "+"}${pad(Math.trunc(minutes / 60))}:${pad(minutes % 60)}`;
  const date = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
  return { zone, date, hh: pad(w.hour), mm: pad(w.minute), ss: pad(w.second), offset };
}

/**
 * ISO 8601 with the zone's UTC offset at that instant (whole seconds): `2026-12-01T10:00:00+01:00`.
 * What the master CSV shows for link expiries (docs/EXPORTS.md#the-full-data-export: "ISO 8601 with
 * offset"), so an admin reads their own clock; an unknown zone falls back to UTC (`+00:00`) rather
 * than failing.
 */
export function isoWithOffset(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.date}T${p.hh}:${p.mm}:${p.ss}${p.offset}`;
}

/**
 * An instant as the account reads it, with the zone and its UTC offset at that instant:
 * `2026-12-01 10:00 Europe/London (UTC+00:00)` (docs/EXPORTS.md#email: expiry with time zone). An
 * unknown zone falls back to UTC rather than failing.
 */
export function localTimeText(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.date} ${p.hh}:${p.mm} ${p.zone} (UTC${p.offset})`;
}
