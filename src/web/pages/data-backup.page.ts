import type { presentBackupSchedule } from "../../http/presenters/backup-schedule.presenter.js";
import { downloadLink, fileDetails } from "../components/downloads.js";
import { inProgress, type PresentedRun, runProgress, stateBadge } from "../components/export-run.js";
import { formatBytes, timeTag } from "../format.js";
import { html, type SafeHtml } from "../html.js";
import { notice } from "../layout.js";

export type BackupView = Awaited<ReturnType<typeof presentBackupSchedule>>;

const DONE: Record<string, string> = {
  enabled: "Monthly backups are on. The first backup has started; it appears below when it is ready.",
  disabled: "Monthly backups are off. Backups made so far stay downloadable until they expire.",
  saved: "Saved.",
};

/** Settings › Data Backup (docs/EXPORTS.md#the-monthly-backup). */
export function dataBackupPage(
  v: BackupView,
  opts: { csrf: string; done?: string | undefined; error?: string },
): SafeHtml {
  const tz = v.time_zone;
  const running = v.backups.find(inProgress);
  const latest = v.latest_backup;
  const older = v.backups.filter((b) => b !== latest && b.state === "succeeded");
  const failed = v.newest_run?.state === "failed" ? v.newest_run : null;
  return html`<h1>Data Backup</h1>
<p class="lead">A monthly backup is one zip with <code>Candidates.xlsx</code> (every candidate and application, the same sheet as the Candidates Excel Report) and <code>Resumes/</code> (every CV, filed by job opening and stage). It always holds all data since the account started.</p>
${opts.done && DONE[opts.done] ? notice("ok", DONE[opts.done]!) : ""}
${opts.error ? notice("error", opts.error) : ""}
${failed ? notice("error", html`The last backup failed: ${failed.error ?? "unknown reason"}. It is retried by itself; if it keeps failing, check the server's log.`) : ""}
<section class="card" aria-labelledby="schedule-h">
<h2 id="schedule-h">Schedule</h2>
<form method="post" action="/settings/data-backup">
  <input type="hidden" name="_csrf" value="${opts.csrf}">
  <label class="check"><input type="checkbox" name="enabled" value="on"${v.enabled ? html` checked` : ""}> Enable Monthly Backups</label>
  <label for="retention">Keep each backup for</label>
  <select id="retention" name="retention_months">
    ${[1, 2, 3, 6, 12, 24].map(
      (m) =>
        html`<option value="${m}"${m === v.retention_months ? html` selected` : ""}>${m} ${m === 1 ? "month" : "months"}</option>`,
    )}
  </select>
  <div class="actions"><button type="submit">Save</button></div>
</form>
<p class="muted">${
    v.enabled
      ? html`Backups are made on day ${v.day_of_month} of each month (the month's last day when it is shorter), on the account's clock (${tz}). Next backup: ${timeTag(v.next_backup_at, tz)}.`
      : "When you enable backups, the first one is made right away, then one each month on the same day."
  }</p>
</section>
${running ? runningCard(running) : ""}
<section class="card" aria-labelledby="latest-h">
<h2 id="latest-h">Latest backup</h2>
${latest ? latestBackup(latest, tz) : html`<p class="muted">No backup yet.</p>`}
</section>
<section class="card" aria-labelledby="report-h">
<h2 id="report-h">Candidates Excel Report</h2>
<p>The sheet of the backup on its own, made now: one row per application, with every custom field.</p>
<div class="actions"><a class="button secondary" href="/settings/data-backup/candidates.xlsx" download>Download Candidates.xlsx</a></div>
</section>
<section class="card" aria-labelledby="older-h">
<h2 id="older-h">Older backups</h2>
${older.length ? olderTable(older, tz) : html`<p class="muted">None. Backups stay downloadable for ${v.retention_months} ${v.retention_months === 1 ? "month" : "months"}.</p>`}
</section>`;
}

function runningCard(run: PresentedRun): SafeHtml {
  return html`<section class="card" aria-labelledby="running-h">
<h2 id="running-h">Backup in progress ${stateBadge(run)}</h2>
${runProgress(run)}
</section>`;
}

function latestBackup(run: PresentedRun, tz: string): SafeHtml {
  const zip = run.artifacts[0];
  return html`<dl class="facts">
<dt>Made</dt><dd>${timeTag(run.finished_at, tz)}</dd>
<dt>Data as of</dt><dd>${timeTag(run.snapshot_at, tz)}</dd>
<dt>Size</dt><dd>${zip ? formatBytes(zip.size_bytes) : "—"}</dd>
<dt>Downloadable until</dt><dd>${timeTag(run.expires_at, tz)}</dd>
</dl>
<div class="actions">${zip ? downloadLink(zip, "Download backup", { button: true }) : ""}</div>
${run.warnings.count ? notice("warn", `${run.warnings.count} file(s) could not be read and are listed in the backup's notes.`) : ""}
${fileDetails(run)}`;
}

function olderTable(runs: PresentedRun[], tz: string): SafeHtml {
  return html`<table class="stack"><thead><tr><th scope="col">Made</th><th scope="col">Size</th><th scope="col">Downloadable until</th><th scope="col">Download</th></tr></thead><tbody>
${runs.map((run) => {
  const zip = run.artifacts[0];
  return html`<tr><td data-label="Made">${timeTag(run.finished_at, tz)}</td><td data-label="Size">${zip ? formatBytes(zip.size_bytes) : "—"}</td><td data-label="Until">${timeTag(run.expires_at, tz)}</td><td data-label="Download">${zip ? downloadLink(zip, "Download") : "—"}</td></tr>`;
})}
</tbody></table>`;
}
