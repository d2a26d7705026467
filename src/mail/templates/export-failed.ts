import { localTimeText } from "../../domain/local-time.js";
import { escapeHtml, htmlDocument, oneLine, type RenderedEmail } from "./layout.js";

/**
 * What the "export failed" email says: the run's reason, no candidate data (docs/EXPORTS.md#email).
 */
export interface ExportFailedInput {
  accountName: string;
  timeZone: string;
  formatLabel: string;
  /** The run id, for support. */
  exportRunId: string;
  /** `export_runs.error`: the reason an admin can read (docs/EXPORTS.md#export-runs). */
  reason: string;
  failedAt: Date;
}

/** The email sent to the requester when their export failed for good. */
export function exportFailedEmail(input: ExportFailedInput): RenderedEmail {
  const account = oneLine(input.accountName);
  const label = oneLine(input.formatLabel);
  const reason = oneLine(input.reason) || "no reason was recorded";
  const failedAt = localTimeText(input.failedAt, input.timeZone);
  const subject = `${label} of ${account} failed`;
  const text = [
    `The ${label.toLowerCase()} of the Hirevault account "${account}" you requested could not be`,
    `completed (${failedAt}). Nothing was published and its partial files were deleted.`,
    "",
    `Reason: ${reason}`,
    "",
    "You can request it again in Settings › Data Export. If it fails again, give your",
    `administrator the export id ${input.exportRunId}.`,
    "",
  ].join("\n");
  const html = htmlDocument(subject, [
    `The ${escapeHtml(label.toLowerCase())} of the Hirevault account “${escapeHtml(account)}” you requested could not be completed (${escapeHtml(failedAt)}). Nothing was published and its partial files were deleted.`,
    `Reason: ${escapeHtml(reason)}`,
    `You can request it again in Settings › Data Export. If it fails again, give your administrator the export id <code>${escapeHtml(input.exportRunId)}</code>.`,
  ]);
  return { subject, text, html };
}
