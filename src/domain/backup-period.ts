/**
 * Monthly backup periods (docs/EXPORTS.md#the-monthly-backup): a backup is due on the day of the
 * month it was enabled, clamped to the month's last day, at 00:00 in the account's time zone. A
 * period is named by its month, `YYYY-MM` in that time zone; one backup per account and period
 * (docs/EXPORTS.md#monthly-schedule). Pure functions on `Intl` time-zone data: DST shifts and month
 * edges are handled by converting wall-clock times, never by adding fixed hours.
 */

interface WallDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock date and time of `instant` in `timeZone`. */
export function wallClock(
  instant: Date,
  timeZone: string,
): WallDate & { hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds (positive east of Greenwich). */
export function offsetMs(instant: Date, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The first instant of the local day `date` in `timeZone`. Where midnight does not exist (a DST
 * jump at 00:00, e.g. America/Santiago), the day starts at the first existing minute after it.
 */
export function startOfLocalDay(date: WallDate, timeZone: string): Date {
  const guess = Date.UTC(date.year, date.month - 1, date.day);
  // Two passes settle the offset across a transition (the offset at the guess may differ).
  let t = guess - offsetMs(new Date(guess), timeZone);
  t = guess - offsetMs(new Date(t), timeZone);
  const w = wallClock(new Date(t), timeZone);
  if (w.year !== date.year || w.month !== date.month || w.day !== date.day) {
    // Midnight was skipped: step forward to the day's first minute.
    while (wallClock(new Date(t), timeZone).day !== date.day) t += 60_000;
  }
  return new Date(t);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `YYYY-MM`. */
export function periodKey(year: number, month: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}

function addMonths(year: number, month: number, n: number): { year: number; month: number } {
  const m = year * 12 + (month - 1) + n;
  return { year: Math.floor(m / 12), month: (m % 12) + 1 };
}

/** When the backup of month (`year`, `month`) is due: the anchor day, clamped, at local 00:00. */
export function occurrence(year: number, month: number, anchorDay: number, timeZone: string): Date {
  const day = Math.min(anchorDay, daysInMonth(year, month));
  return startOfLocalDay({ year, month, day }, timeZone);
}

/**
 * The latest period whose backup is due at `now`: this month's if its day has come, else last
 * month's. A scheduler that was down for weeks gets only this one (policy "once", pg-boss).
 */
export function latestDuePeriod(
  now: Date,
  anchorDay: number,
  timeZone: string,
): { period: string; dueAt: Date } {
  const w = wallClock(now, timeZone);
  const thisMonth = occurrence(w.year, w.month, anchorDay, timeZone);
  if (now.getTime() >= thisMonth.getTime()) return { period: periodKey(w.year, w.month), dueAt: thisMonth };
  const prev = addMonths(w.year, w.month, -1);
  return {
    period: periodKey(prev.year, prev.month),
    dueAt: occurrence(prev.year, prev.month, anchorDay, timeZone),
  };
}

/** The next due instant strictly after `now` (for "next backup" in Settings). */
export function nextOccurrence(now: Date, anchorDay: number, timeZone: string): Date {
  const w = wallClock(now, timeZone);
  const thisMonth = occurrence(w.year, w.month, anchorDay, timeZone);
  if (thisMonth.getTime() > now.getTime()) return thisMonth;
  const next = addMonths(w.year, w.month, 1);
  return occurrence(next.year, next.month, anchorDay, timeZone);
}

/** The period `instant` falls in, by its local month (the period of a backup enabled then). */
export function periodOf(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return periodKey(w.year, w.month);
}

/** `months` calendar months after `instant` (day clamped), for retention. */
export function addCalendarMonths(instant: Date, months: number): Date {
  const d = new Date(instant);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  d.setUTCDate(Math.min(day, daysInMonth(d.getUTCFullYear(), d.getUTCMonth() + 1)));
  return d;
}
