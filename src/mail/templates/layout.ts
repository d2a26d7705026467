import { wallClock } from "../../domain/backup-period.js";

/** A rendered email body and subject. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, "0");

/**
 * An instant as the account reads it, with the zone and its UTC offset at that instant:
 * `2026-12-01 10:00 Europe/London (UTC+00:00)` (RELIABILITY 2.13: expiry with time zone). An
 * unknown zone falls back to UTC rather than failing the email.
 */
export function localTimeText(instant: Date, timeZone: string): string {
  let zone = timeZone;
  try {
    wallClock(instant, zone);
  } catch {
    zone = "UTC";
  }
  const w = wallClock(instant, zone);
  const wallMs = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const offsetMinutes = Math.round((wallMs - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const offset = `${sign}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)} ${zone} (UTC${offset})`;
}

/** Text safe inside HTML elements and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/**
 * User data on one line (subjects, names): control and bidi-override characters become spaces,
 * so an account name cannot fold a header or reorder what the reader sees.
 */
export function oneLine(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** A minimal HTML document: no images, styles or third-party resources (nothing to track). */
export function htmlDocument(title: string, paragraphs: readonly string[]): string {
  const body = paragraphs.map((p) => `<p>${p}</p>`).join("\n");
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body>\n${body}\n</body></html>\n`;
}
