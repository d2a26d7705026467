import { formatBytes } from "../format.js";
import { html, type SafeHtml } from "../html.js";
import type { PresentedRun } from "./export-run.js";

type Artifact = PresentedRun["artifacts"][number];

/**
 * A download link for one export file: its name, size, and SHA-256 for whoever checks it. The
 * link is the signed `/downloads/…` URL (docs/EXPORTS.md#links-and-downloads), minted for the
 * signed-in user, so every download is audited; `rel=noreferrer` keeps it out of any Referer.
 */
export function downloadLink(a: Artifact, label?: string, opts: { button?: boolean } = {}): SafeHtml {
  if (!a.download_url) return html`<span class="muted">${a.file_name} (no link)</span>`;
  return html`<a class="download${opts.button ? " button" : ""}" href="${a.download_url}" rel="noreferrer" download="${a.file_name}">${label ?? a.file_name}</a> <span class="muted">(${formatBytes(a.size_bytes)})</span>`;
}

/** Name, size and SHA-256 of every file of a run, folded away (for those who verify). */
export function fileDetails(run: PresentedRun): SafeHtml {
  if (!run.artifacts.length) return html``;
  return html`<details><summary>Files and checksums</summary>
<table class="stack"><thead><tr><th scope="col">File</th><th scope="col">Size</th><th scope="col">SHA-256</th></tr></thead><tbody>
${run.artifacts.map(
  (a) =>
    html`<tr><td data-label="File">${downloadLink(a, a.file_name)}</td><td data-label="Size">${formatBytes(a.size_bytes)}</td><td data-label="SHA-256"><code>${a.sha256}</code></td></tr>`,
)}
</tbody></table></details>`;
}
