import { LINK_DAYS } from "../../exports/retention.js";
import { downloadLink, fileDetails } from "../components/downloads.js";
import { inProgress, type PresentedRun, runProgress, stateBadge } from "../components/export-run.js";
import { formatMoney, timeTag } from "../format.js";
import { html, type SafeHtml } from "../html.js";
import { notice } from "../layout.js";

/** What the Data Export page shows: the account's full exports, newest first, and its clock. */
export interface DataExportView {
  timeZone: string;
  runs: PresentedRun[];
  /** The server's clock: whether a finished export's links have expired. */
  now: Date;
}

/** Where the page's forms post (one place, so the page and its routes agree). */
export const DATA_EXPORT_PATH = "/settings/data-export";

/** The notices after a form (Post/Redirect/Get): only these keys are shown, nothing reflected. */
const DONE: Record<string, string> = {
  requested:
    "The full export has started. It appears below; you get an email with its link when it is ready.",
  waiting:
    "The full export is requested. It waits for the pending invoices below and starts by itself once they are paid or voided.",
  joined: "A full export is already on its way; your request joined it.",
  revoked: "The export's links are revoked. They now answer Access denied, and its files will be deleted.",
};

/**
 * The part of a full export that holds the links to the others
 * (docs/EXPORTS.md#the-full-data-export).
 */
const MASTER_PART = "master";

/**
 * Settings › Data Export (docs/EXPORTS.md#the-full-data-export): what the full export is, a button
 * to request one, the latest one (waiting for payment, on its way, ready with its master CSV link,
 * revoked, expired or failed) and the older ones.
 */
export function dataExportPage(
  v: DataExportView,
  opts: { csrf: string; done?: string | undefined; error?: string | undefined },
): SafeHtml {
  const [latest, ...older] = v.runs;
  return html`<h1>Data Export</h1>
<p class="lead">A full data export holds all of the account's data, in three parts listed in a <strong>master CSV</strong>, each part with its own secure download link:</p>
<ol>
  <li><strong>Data Files (CSV)</strong>: a zip of ten CSV files (candidates, jobs, pipelines, companies, contacts, tasks, folders, users, attachments and the audit log);</li>
  <li><strong>Attachments</strong>: a zip of every uploaded file;</li>
  <li><strong>Internal CVs</strong>: a zip of every CV uploaded for a candidate.</li>
</ol>
<p>When it is ready, whoever requested it gets an email with the link to the master CSV, and it is linked below. Every link expires ${LINK_DAYS} days after the export finished; after that, or once revoked, the links answer Access denied and the files are deleted.</p>
${opts.done && DONE[opts.done] ? notice("ok", DONE[opts.done]!) : ""}
${opts.error ? notice("error", opts.error) : ""}
<section class="card" aria-labelledby="request-h">
<h2 id="request-h">Request a full export</h2>
<form method="post" action="${DATA_EXPORT_PATH}/request">
  <input type="hidden" name="_csrf" value="${opts.csrf}">
  <p class="muted">It reads the account as it is when it starts. While an invoice is pending it waits, and starts by itself once the invoices are paid or voided.</p>
  <div class="actions"><button type="submit">Request full export</button></div>
</form>
</section>
<section class="card" aria-labelledby="latest-h">
<h2 id="latest-h">Latest full export${latest ? html` ${stateBadge(latest)}` : ""}</h2>
${latest ? latestExport(latest, v, opts.csrf) : html`<p class="muted">No full export yet.</p>`}
</section>
<section class="card" aria-labelledby="older-h">
<h2 id="older-h">Older full exports</h2>
${older.length ? olderTable(older, v.timeZone) : html`<p class="muted">None.</p>`}
</section>`;
}

function latestExport(run: PresentedRun, v: DataExportView, csrf: string): SafeHtml {
  const tz = v.timeZone;
  return html`<dl class="facts">
<dt>Requested</dt><dd>${timeTag(run.created_at, tz)}</dd>
${run.finished_at ? html`<dt>Finished</dt><dd>${timeTag(run.finished_at, tz)}</dd>` : ""}
${run.snapshot_at ? html`<dt>Data as of</dt><dd>${timeTag(run.snapshot_at, tz)}</dd>` : ""}
</dl>
${run.state === "awaiting_payment" ? awaitingPayment(run) : ""}
${inProgress(run) ? runProgress(run) : ""}
${run.state === "failed" ? notice("error", html`This export failed: ${run.error ?? "unknown reason"}. Request a new one; if it keeps failing, check the server's log.`) : ""}
${run.state === "succeeded" || run.state === "expired" ? finishedExport(run, v, csrf) : ""}`;
}

/**
 * docs/EXPORTS.md#the-full-data-export: a request made while an invoice is pending waits, and says
 * what it waits for.
 */
function awaitingPayment(run: PresentedRun): SafeHtml {
  const invoices = run.pending_invoices;
  return notice(
    "warn",
    html`<p><strong>Waiting for payment.</strong> This export starts by itself once ${invoices.length === 1 ? "this invoice is" : "these invoices are"} paid or voided:</p>
${
  invoices.length
    ? html`<table class="stack"><thead><tr><th scope="col">Invoice</th><th scope="col">Amount</th><th scope="col">Due</th></tr></thead><tbody>
${invoices.map(
  (i) =>
    html`<tr><td data-label="Invoice">${i.number}</td><td data-label="Amount">${formatMoney(i.amount_cents, i.currency)}</td><td data-label="Due">${dueDate(i.due_date)}</td></tr>`,
)}
</tbody></table>`
    : html`<p class="muted">The invoices were settled just now; the export starts shortly.</p>`
}`,
  );
}

/** A calendar date (an invoice's due date has no time of day, so no time zone applies). */
function dueDate(date: string | null): SafeHtml {
  if (!date) return html`<span class="muted">—</span>`;
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return html`${date}`;
  const text = new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  }).format(d);
  return html`<time datetime="${date}">${text}</time>`;
}

/** A finished export: its master CSV link and expiry, or why there is no link any more. */
function finishedExport(run: PresentedRun, v: DataExportView, csrf: string): SafeHtml {
  const tz = v.timeZone;
  if (run.revoked_at) {
    return html`<p>The links of this export were revoked on ${timeTag(run.revoked_at, tz)}. They answer Access denied, and its files are deleted. Request a new export for fresh links.</p>`;
  }
  const master = run.artifacts.find((a) => a.part === MASTER_PART);
  const expired =
    run.state === "expired" || (run.expires_at !== null && Date.parse(run.expires_at) <= v.now.getTime());
  if (expired) {
    return html`<p>The links of this export expired on ${timeTag(run.expires_at, tz)}. Request a new export for fresh links.</p>`;
  }
  if (!master?.download_url) {
    // No signing key configured (WebDeps.links): the files exist but no link can be minted.
    return html`<p>This export is ready, but no download link can be made on this server. Download it through the API instead.</p>`;
  }
  return html`<dl class="facts">
<dt>Master CSV</dt><dd>${downloadLink(master, "Download the master CSV", { button: true })}</dd>
<dt>Link expires</dt><dd>${timeTag(master.download_expires_at, tz)}</dd>
</dl>
<p class="muted">The master CSV lists the three parts, each with its own link that expires at the same time.</p>
${run.warnings.count ? notice("warn", `${run.warnings.count} file(s) could not be read and are listed in the export's manifest.`) : ""}
${fileDetails(run)}
<form method="post" action="${DATA_EXPORT_PATH}/${run.id}/revoke" data-confirm="Revoke every link of this export? Anyone who opens one gets Access denied, and its files are deleted.">
  <input type="hidden" name="_csrf" value="${csrf}">
  <div class="actions"><button type="submit" class="danger">Revoke links</button></div>
</form>`;
}

function olderTable(runs: PresentedRun[], tz: string): SafeHtml {
  return html`<table class="stack"><thead><tr><th scope="col">Made</th><th scope="col">State</th><th scope="col">Links expire</th><th scope="col">Master CSV</th></tr></thead><tbody>
${runs.map((run) => {
  const master = run.artifacts.find((a) => a.part === MASTER_PART);
  return html`<tr><td data-label="Made">${timeTag(run.finished_at ?? run.created_at, tz)}</td><td data-label="State">${stateBadge(run)}</td><td data-label="Expires">${run.revoked_at ? html`<span class="muted">Revoked</span>` : timeTag(run.expires_at, tz)}</td><td data-label="Master CSV">${master?.download_url ? downloadLink(master, "Download") : html`<span class="muted">—</span>`}</td></tr>`;
})}
</tbody></table>`;
}
