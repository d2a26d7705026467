import { LINK_DAYS } from "../../exports/retention.js";
import { downloadLink } from "../components/downloads.js";
import { inProgress, type PresentedRun, runProgress, stateBadge } from "../components/export-run.js";
import { formatBytes, timeTag } from "../format.js";
import { html, type SafeHtml } from "../html.js";
import { notice } from "../layout.js";

/** What the Snapshots page shows: the account's snapshots, newest first, and its clock. */
export interface SnapshotsView {
  timeZone: string;
  runs: PresentedRun[];
}

/** Where the page's forms post (one place, so the page and its routes agree). */
export const SNAPSHOTS_PATH = "/settings/snapshots";

/** The notices after a form (Post/Redirect/Get): only these keys are shown, nothing reflected. */
const DONE: Record<string, string> = {
  requested: "The snapshot has started. It appears below with its download link when it is ready.",
  joined: "A snapshot is already on its way; your request joined it.",
};

/**
 * Settings › Snapshots (docs/EXPORTS.md#the-snapshot, docs/EXPORTS.md#integrity): what the snapshot
 * is for (machines: re-import, other tools), a button to request one, and every snapshot with its
 * state, size, link and expiry.
 */
export function snapshotsPage(
  v: SnapshotsView,
  opts: { csrf: string; done?: string | undefined; error?: string | undefined },
): SafeHtml {
  const tz = v.timeZone;
  return html`<h1>Snapshots</h1>
<p class="lead">A snapshot is one zip of every record of the account, made for programs rather than people: a folder per entity with CSV tables (snake_case columns, UTC timestamps, ids as in the API, values never altered for spreadsheets) and <code>files/</code> with every attachment.</p>
<p>At its root, <code>datapackage.json</code> describes every table (a Frictionless Data Package: field types, primary and foreign keys) and <code>manifest.json</code> lists each file's size and SHA-256 and any file that could not be read. <code>hirevault verify FILE</code> re-checks a downloaded snapshot; <code>hirevault import FILE --account NAME</code> restores it into a new, empty account. Links expire ${LINK_DAYS} days after the snapshot finished.</p>
${opts.done && DONE[opts.done] ? notice("ok", DONE[opts.done]!) : ""}
${opts.error ? notice("error", opts.error) : ""}
<section class="card" aria-labelledby="request-h">
<h2 id="request-h">Request a snapshot</h2>
<form method="post" action="${SNAPSHOTS_PATH}/request">
  <input type="hidden" name="_csrf" value="${opts.csrf}">
  <p class="muted">It reads the account as it is when it starts; a request while one is on its way joins it.</p>
  <div class="actions"><button type="submit">Request snapshot</button></div>
</form>
</section>
<section class="card" aria-labelledby="list-h">
<h2 id="list-h">Snapshots</h2>
${v.runs.length ? snapshotTable(v.runs, tz) : html`<p class="muted">No snapshot yet.</p>`}
</section>`;
}

function snapshotTable(runs: PresentedRun[], tz: string): SafeHtml {
  return html`<table class="stack"><thead><tr><th scope="col">Made</th><th scope="col">State</th><th scope="col">Size</th><th scope="col">Download</th><th scope="col">Link expires</th></tr></thead><tbody>
${runs.map((run) => {
  const zip = run.artifacts[0];
  return html`<tr><td data-label="Made">${timeTag(run.finished_at ?? run.created_at, tz)}</td><td data-label="State">${stateBadge(run)}${inProgress(run) ? runProgress(run) : ""}${run.state === "failed" ? html`<p>${run.error ?? "Failed for an unknown reason."}</p>` : ""}</td><td data-label="Size">${zip ? formatBytes(zip.size_bytes) : "—"}</td><td data-label="Download">${zip?.download_url ? downloadLink(zip, "Download") : html`<span class="muted">—</span>`}</td><td data-label="Expires">${expiry(run, zip, tz)}</td></tr>`;
})}
</tbody></table>`;
}

/** When the link stops working: the minted link's expiry, else the run's (or why there is none). */
function expiry(run: PresentedRun, zip: PresentedRun["artifacts"][number] | undefined, tz: string): SafeHtml {
  if (run.revoked_at) return html`<span class="muted">Revoked</span>`;
  return timeTag(zip?.download_expires_at ?? run.expires_at, tz);
}
