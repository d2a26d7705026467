import { html, type SafeHtml } from "./html.js";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    const options: Intl.DateTimeFormatOptions = {
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    };
    try {
      f = new Intl.DateTimeFormat("en-GB", { ...options, timeZone });
    } catch {
      f = new Intl.DateTimeFormat("en-GB", { ...options, timeZone: "UTC" }); // unknown zone: UTC, not a 500
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** `24 Nov 2026, 14:05 GMT`: an instant on the account's clock, with the zone's abbreviation. */
export function localTime(iso: string | Date, timeZone: string): string {
  return formatterFor(timeZone).format(typeof iso === "string" ? new Date(iso) : iso);
}

/**
 * A `<time>` element showing the instant in the account's time zone; the machine-readable UTC
 * instant is in `datetime` (and in the tooltip), so nothing is lost to the formatting.
 */
export function timeTag(iso: string | Date | null | undefined, timeZone: string): SafeHtml {
  if (iso === null || iso === undefined) return html`<span class="muted">—</span>`;
  const instant = typeof iso === "string" ? new Date(iso) : iso;
  const utc = instant.toISOString();
  return html`<time datetime="${utc}" title="${utc}">${localTime(instant, timeZone)}</time>`;
}

const UNITS = ["bytes", "KB", "MB", "GB", "TB"] as const;

/** `1.4 MB` (decimal units, as Windows Explorer and macOS Finder both show file sizes). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1000) return `${Math.max(0, Math.round(bytes || 0))} bytes`;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

/** `1,234` */
export function formatCount(n: number): string {
  return new Intl.NumberFormat("en-GB").format(n);
}

/** `€120.00` from cents and an ISO 4217 code (the code itself when Intl does not know it). */
export function formatMoney(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-GB", { style: "currency", currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}
