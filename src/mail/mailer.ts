import type { SendMailOptions } from "nodemailer";

let nodemailerModule: Promise<typeof import("nodemailer")> | undefined;

/**
 * nodemailer, imported on first use: it is a large module tree and most worker starts send no
 * email, so it stays off the start-up path (like the AWS SDK in `create-blob-store.ts`).
 */
export function loadNodemailer(): Promise<typeof import("nodemailer")> {
  nodemailerModule ??= import("nodemailer");
  return nodemailerModule;
}

/** One email as the app composes it; the {@link Mailer} turns it into MIME and delivers it. */
export interface EmailMessage {
  /** The outbox row id: names the `.eml` file in the file outbox. */
  id: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /**
   * The `Message-ID` header, angle brackets included. Deterministic per run and kind
   * (`<export-<run>-<kind>@hirevault>`), so the rare duplicate after a crash is recognisable and
   * mail clients thread or drop it.
   */
  messageId: string;
  /** Date header. */
  date: Date;
  /**
   * The download link the email carries, or null. Only the file outbox logs it
   * (README.md#configuration: without SMTP "the link is logged"); over SMTP it is a bearer
   * capability and never reaches a log (docs/EXPORTS.md#links-and-downloads).
   */
  link: string | null;
}

/** What a mailer reports after delivery (to the server, or to the outbox directory). */
export interface SentEmail {
  messageId: string;
}

/** Delivers composed emails: over SMTP (`SMTP_URL`) or as `.eml` files in the data dir. */
export interface Mailer {
  /** `smtp` or `file`, for logs and start-up messages. */
  readonly transport: "smtp" | "file";
  /**
   * Delivers one email. Rejects with the transport's error; {@link isPermanentMailError} tells
   * whether sending it again could succeed.
   */
  send(message: EmailMessage): Promise<SentEmail>;
}

/**
 * Whether a delivery error is final: the server answered 5xx (except 503), RFC 5321 §4.2.1's
 * "permanent negative completion" (nodemailer sets `permanent` from the reply code). Connection
 * failures, timeouts and 4xx replies are transient and retried with backoff.
 */
export function isPermanentMailError(err: unknown): boolean {
  return (err as { permanent?: unknown } | null)?.permanent === true;
}

/** The nodemailer message of `message` from `from`: both mailers render the same MIME. */
export function mailOptions(message: EmailMessage, from: string): SendMailOptions {
  return {
    from,
    to: { name: message.to.name, address: message.to.address },
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: message.messageId,
    date: message.date,
    headers: {
      // RFC 3834: an automatic message; auto-responders do not answer it.
      "Auto-Submitted": "auto-generated",
    },
  };
}
