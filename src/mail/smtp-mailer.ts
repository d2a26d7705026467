import type { Transporter } from "nodemailer";
import { type EmailMessage, loadNodemailer, type Mailer, mailOptions, type SentEmail } from "./mailer.js";

/** Time limits of one SMTP delivery; nodemailer's defaults (2 min, 10 min idle) outlast a lease. */
const TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/**
 * Sends through the server of `SMTP_URL` (`smtp://user:pass@host:587`, STARTTLS when offered, or
 * `smtps://host:465`, TLS from the start), one connection per email: exports are rare, so a pool
 * would only hold idle sockets. The URL may carry a password: it is never logged, and nodemailer's
 * own logger stays off. The link in the body is never logged either
 * (docs/EXPORTS.md#links-and-downloads).
 */
export class SmtpMailer implements Mailer {
  readonly transport = "smtp" as const;
  private transporter: Promise<Transporter> | undefined;

  constructor(
    private readonly smtpUrl: string,
    private readonly from: string,
  ) {}

  async send(message: EmailMessage): Promise<SentEmail> {
    this.transporter ??= loadNodemailer().then((m) =>
      m.default.createTransport({ url: this.smtpUrl, ...TIMEOUTS }),
    );
    const info = await (await this.transporter).sendMail(mailOptions(message, this.from));
    return { messageId: String(info.messageId ?? message.messageId) };
  }
}
