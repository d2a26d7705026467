import { localTimeText } from "../../domain/local-time.js";
import { escapeHtml, htmlDocument, oneLine, type RenderedEmail } from "./layout.js";

/**
 * What the "export ready" email says. Account-level facts only: no candidate data
 * (docs/EXPORTS.md#email).
 */
export interface ExportReadyInput {
  accountName: string;
  /** IANA zone of the account: the expiry is shown in it, with its UTC offset. */
  timeZone: string;
  /** The format's label, e.g. "Full data export". */
  formatLabel: string;
  /**
   * The signed download link (one, docs/EXPORTS.md#the-full-data-export: to the master CSV of a
   * full export).
   */
  url: string;
  expiresAt: Date;
}

/** The email sent to the requester when an export with a mailed part succeeded. */
export function exportReadyEmail(input: ExportReadyInput): RenderedEmail {
  const account = oneLine(input.accountName);
  const label = oneLine(input.formatLabel);
  const expires = localTimeText(input.expiresAt, input.timeZone);
  const subject = `${label} of ${account} is ready`;
  const text = [
    `The ${label.toLowerCase()} of the Hirevault account "${account}" you requested is ready.`,
    "",
    "Download it here:",
    input.url,
    "",
    `The link expires on ${expires}. It works only for you, and only while you are an owner or admin`,
    "of the account. Do not forward this email: the link is the key to the data.",
    "",
    "After the link expires, the files are deleted; request a new export in Settings › Data Export.",
    "",
  ].join("\n");
  const url = escapeHtml(input.url);
  const html = htmlDocument(subject, [
    `The ${escapeHtml(label.toLowerCase())} of the Hirevault account “${escapeHtml(account)}” you requested is ready.`,
    `<a href="${url}">Download it</a><br>${url}`,
    `The link expires on <strong>${escapeHtml(expires)}</strong>. It works only for you, and only while you are an owner or admin of the account. Do not forward this email: the link is the key to the data.`,
    "After the link expires, the files are deleted; request a new export in Settings › Data Export.",
  ]);
  return { subject, text, html };
}
