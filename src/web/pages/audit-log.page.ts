import type { AuditViewEntry } from "../../services/audit-log.service.js";
import { formatBytes, timeTag } from "../format.js";
import { html, type SafeHtml } from "../html.js";

/**
 * The filters of the audit view: which actions each shows, by prefix of the action code. "All" is
 * the union; other audit entries (record edits, attachments) are not part of this view.
 */
export const AUDIT_FILTERS = [
  {
    key: "all",
    label: "All",
    prefixes: ["export.", "report.", "backup_schedule.", "api_token.", "user.sign", "user.password"],
  },
  { key: "exports", label: "Exports & downloads", prefixes: ["export.", "report.", "backup_schedule."] },
  { key: "sign-ins", label: "Sign-ins", prefixes: ["user.sign", "user.password"] },
  { key: "tokens", label: "Tokens", prefixes: ["api_token."] },
] as const;

export type AuditFilterKey = (typeof AUDIT_FILTERS)[number]["key"];

/** One audit row as read for this page. */
export type AuditRow = AuditViewEntry;

export interface AuditLogPageOptions {
  timeZone: string;
  filter: AuditFilterKey;
  rows: AuditRow[];
  /** The id to continue after (the last row shown) when there are older entries. */
  olderCursor: string | null;
  /** Whether this is a later page (so a link back to the newest entries is useful). */
  paged: boolean;
}

const PATH = "/settings/audit-log";

const ACTIONS: Record<string, string> = {
  "export.requested": "Requested an export",
  "export.succeeded": "Export finished",
  "export.failed": "Export failed",
  "export.downloaded": "Downloaded export file",
  "export.download_denied": "Download of an export file refused",
  "export.revoked": "Revoked an export",
  "export.expired": "Export expired",
  "export.payment_cleared": "Export payment cleared",
  "export.email_sent": "Sent the export email",
  "export.email_failed": "Export email could not be sent",
  "export.email_skipped": "Export email skipped",
  "report.downloaded": "Downloaded a report",
  "backup_schedule.enabled": "Turned monthly backups on",
  "backup_schedule.disabled": "Turned monthly backups off",
  "api_token.created": "Created an API token",
  "api_token.revoked": "Revoked an API token",
  "user.signed_in": "Signed in",
  "user.sign_in_failed": "Sign-in failed",
  "user.signed_out": "Signed out",
  "user.password_set": "Password set",
};

/** Settings › Audit log: who exported, downloaded, signed in or managed tokens, newest first. */
export function auditLogPage(o: AuditLogPageOptions): SafeHtml {
  return html`<h1>Audit log</h1>
<p class="lead">Exports, downloads, backups, API tokens and sign-ins of this account, newest first. Times are on the account's clock (${o.timeZone}).</p>
<section class="card" aria-label="Filter">
<form method="get" action="${PATH}">
  <label for="audit-filter">Show</label>
  <select id="audit-filter" name="filter">
    ${AUDIT_FILTERS.map((f) => html`<option value="${f.key}"${f.key === o.filter ? html` selected` : ""}>${f.label}</option>`)}
  </select>
  <div class="actions"><button type="submit" class="secondary">Apply</button></div>
</form>
</section>
<section class="card" aria-labelledby="entries-h">
<h2 id="entries-h">Entries</h2>
${o.rows.length ? entriesTable(o.rows, o.timeZone) : html`<p class="muted">No entries${o.paged ? " older than these" : " yet"}.</p>`}
${pager(o)}
</section>`;
}

function entriesTable(rows: AuditRow[], tz: string): SafeHtml {
  return html`<table class="stack"><thead><tr><th scope="col">Time</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Details</th><th scope="col">IP address</th></tr></thead><tbody>
${rows.map(
  (r) =>
    html`<tr><td data-label="Time">${timeTag(r.at, tz)}</td><td data-label="Who">${who(r)}</td><td data-label="Action">${ACTIONS[r.action] ?? html`<code>${r.action}</code>`}</td><td data-label="Details">${details(r)}</td><td data-label="IP address">${r.ip ?? html`<span class="muted">—</span>`}</td></tr>`,
)}
</tbody></table>`;
}

function pager(o: AuditLogPageOptions): SafeHtml | string {
  if (!o.olderCursor && !o.paged) return "";
  const base = `${PATH}?filter=${encodeURIComponent(o.filter)}`;
  return html`<nav class="pager" aria-label="Pages">
<span>${o.paged ? html`<a href="${base}">Newest</a>` : ""}</span>
<span>${o.olderCursor ? html`<a href="${base}&before=${encodeURIComponent(o.olderCursor)}" rel="next">Older</a>` : ""}</span>
</nav>`;
}

function who(r: AuditRow): string {
  if (r.actorType === "user") return r.userName ?? "A deleted user";
  if (r.actorType === "api_token") return `API token ${r.tokenName ?? "(deleted)"}`;
  return "System";
}

const MAX_VALUE = 200;

/** A primitive of `changes` as short text, or `undefined` for anything else (objects stay out). */
function text(v: unknown): string | undefined {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean"
    ? String(v).slice(0, MAX_VALUE)
    : undefined;
}

/** The facts of `changes` worth showing, in order; everything else (ids, diffs) stays out. */
const DETAILS: [label: string, pick: (c: Record<string, unknown>, r: AuditRow) => string | undefined][] = [
  ["user", (_c, r) => r.subjectUserName ?? undefined],
  ["token", (c, r) => text(c.name) ?? r.subjectTokenName ?? undefined],
  ["role", (c) => text(c.role)],
  ["format", (c) => text(c.format)],
  ["report", (c) => text(c.report)],
  ["part", (c) => text(c.part)],
  [
    "bytes",
    (c) => {
      const bytes = c.bytes_sent ?? c.bytes ?? c.size_bytes;
      return typeof bytes === "number" ? formatBytes(bytes) : undefined;
    },
  ],
  ["range", (c) => text(c.range)],
  ["via", (c) => text(c.via)],
  ["reason", (c) => text(c.reason)],
];

/** `format: snapshot · part: 1 · bytes: 1.2 MB`: plain text, escaped by the template. */
function details(r: AuditRow): SafeHtml {
  const changes = parseChanges(r.changes);
  const parts: string[] = [];
  for (const [label, pick] of DETAILS) {
    const value = pick(changes, r);
    if (value !== undefined) parts.push(`${label}: ${value}`);
  }
  return parts.length ? html`${parts.join(" · ")}` : html`<span class="muted">—</span>`;
}

function parseChanges(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {}; // a malformed entry shows without details, never as a 500
  }
}
