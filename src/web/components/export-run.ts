import type { FastifyRequest } from "fastify";
import { presentExportRun } from "../../http/presenters/export-run.presenter.js";
import type { RunWithArtifacts } from "../../services/export.service.js";
import { formatCount } from "../format.js";
import { html, type SafeHtml } from "../html.js";
import { sessionOf } from "../web-context.js";
import type { WebDeps } from "../web-types.js";

/** An export run as the pages show it: the API's presentation, links minted for the signed-in user. */
export type PresentedRun = ReturnType<typeof presentExportRun>;

/**
 * Presents runs for the session's user (download links are minted for them,
 * docs/EXPORTS.md#links-and-downloads).
 */
export function presentRuns(
  deps: Pick<WebDeps, "links" | "clock">,
  request: FastifyRequest,
  runs: readonly RunWithArtifacts[],
): PresentedRun[] {
  const minting = { links: deps.links, clock: deps.clock, userId: sessionOf(request).userId };
  return runs.map((r) => presentExportRun(r.run, r.artifacts, minting, r.pendingInvoices));
}

const STATE_LABELS: Record<string, string> = {
  awaiting_payment: "Waiting for payment",
  queued: "Queued",
  running: "Running",
  succeeded: "Ready",
  failed: "Failed",
  expired: "Expired",
};

/** Whether a run is still on its way (the page follows it). */
export function inProgress(run: PresentedRun): boolean {
  return run.state === "queued" || run.state === "running" || run.state === "awaiting_payment";
}

/** The state as a labelled badge; a revoked run says so. */
export function stateBadge(run: PresentedRun): SafeHtml {
  const key = run.revoked_at ? "revoked" : run.state;
  const label = run.revoked_at ? "Revoked" : (STATE_LABELS[run.state] ?? run.state);
  return html`<span class="state state-${key}">${label}</span>`;
}

/** `1,234 of 8,172 items (15%)`, or what the run waits for. */
export function progressText(run: PresentedRun): string {
  if (run.state === "awaiting_payment") return "Waiting for the pending invoice to be paid.";
  if (run.state === "queued")
    return run.attempts > 0 ? "Waiting to be retried." : "Waiting for a worker to start it.";
  const { done, total, percent } = run.progress;
  if (total === null) return "Starting…";
  return `${formatCount(done)} of ${formatCount(total)} items (${percent}%)`;
}

/**
 * The progress of a run on its way: a `<progress>` bar and a line of text in a live region. The
 * page's script polls `data-status-url` and reloads when the state changes; without script the
 * page refreshes itself (`refreshWithoutJs`).
 */
export function runProgress(run: PresentedRun): SafeHtml {
  if (!inProgress(run)) return html``;
  const bar =
    run.state === "running"
      ? html`<progress max="100" value="${run.progress.percent}" aria-label="Progress">${run.progress.percent}%</progress>`
      : "";
  return html`<div class="progress" data-status-url="/settings/exports/${run.id}/status" data-state="${run.state}" aria-live="polite">
${bar}
<p data-progress-text>${progressText(run)}</p>
</div>`;
}

/** The JSON the page script polls: state, percent and the progress line. */
export function runStatus(run: PresentedRun) {
  return { state: run.state, percent: run.progress.percent, text: progressText(run) };
}
