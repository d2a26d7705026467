import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One message the sink accepted. */
export interface CapturedMail {
  from: string;
  to: string[];
  raw: string;
}

/**
 * An in-process SMTP server on loopback that keeps what it receives (no mock: a real server, on
 * loopback only).
 */
export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>` */
  readonly url: string;
  readonly messages: CapturedMail[];
  /** The next `count` RCPT TO commands are answered with `code` (451: try later, 550: no such user). */
  rejectRcpt(code: number, count?: number): void;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: CapturedMail[] = [];
  let rejections: { code: number; left: number } | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (rejections && rejections.left > 0) {
        rejections.left--;
        const err = Object.assign(new Error(`rejected by the test sink (${rejections.code})`), {
          responseCode: rejections.code,
        });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    rejectRcpt: (code, count = 1) => {
      rejections = { code, left: count };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
