import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Transporter } from "nodemailer";
import type { Logger } from "../logger.js";
import { type EmailMessage, loadNodemailer, type Mailer, mailOptions, type SentEmail } from "./mailer.js";

/**
 * The mailer without `SMTP_URL` (README.md#configuration): each email becomes
 * `<outbox>/<timestamp>-<id>.eml` (RFC 5322, CRLF, openable by any mail client) and one info line
 * logs the recipient, the file and the download link, so a single-machine install can hand the link
 * on without a mail server. The file is written to a temp name and renamed, so a reader never sees
 * half an email; mode 0600 because it holds a working download link.
 */
export class EmlFileMailer implements Mailer {
  readonly transport = "file" as const;
  private composer: Promise<Transporter> | undefined;

  constructor(
    private readonly dir: string,
    private readonly from: string,
    private readonly logger: Logger,
  ) {}

  async send(message: EmailMessage): Promise<SentEmail> {
    // nodemailer's stream transport renders the exact MIME the SMTP transport would send.
    this.composer ??= loadNodemailer().then((m) =>
      m.default.createTransport({ streamTransport: true, buffer: true, newline: "windows" }),
    );
    const info = await (await this.composer).sendMail(mailOptions(message, this.from));
    const file = path.join(this.dir, `${fileStamp(message.date)}-${message.id}.eml`);
    await writeAtomically(file, info.message as Buffer);
    // The link is logged on purpose here (README.md#configuration); `link` is not a redacted key of
    // the logger.
    this.logger.info(
      { to: message.to.address, file, link: message.link ?? undefined },
      "email written to the outbox directory (SMTP_URL is not set)",
    );
    return { messageId: message.messageId };
  }
}

/** `20261124T100000Z`: sorts by time and is a valid file name everywhere. */
function fileStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

async function writeAtomically(file: string, bytes: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${crypto.randomBytes(6).toString("hex")}.tmp`,
  );
  try {
    const handle = await fs.open(tmp, "wx", 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}
