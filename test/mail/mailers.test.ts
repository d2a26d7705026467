import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { createMailer } from "../../src/mail/create-mailer.js";
import { EmlFileMailer } from "../../src/mail/eml-file-mailer.js";
import { type EmailMessage, isPermanentMailError } from "../../src/mail/mailer.js";
import { SmtpMailer } from "../../src/mail/smtp-mailer.js";
import { parseMail } from "./parse-mail.js";
import { type SmtpSink, startSmtpSink } from "./smtp-sink.js";

const FROM = "Hirevault <no-reply@hv.test>";
const LINK = "https://hv.test/downloads/TOKEN-abc.def";

function message(over: Partial<EmailMessage> = {}): EmailMessage {
  return {
    id: "0190a000-0000-7000-8000-0000000000aa",
    to: { name: "Ada Admin", address: "ada@example.test" },
    subject: "Full data export of Acme is ready",
    text: `Download it here:\n${LINK}\n`,
    html: `<p><a href="${LINK}">Download</a></p>`,
    messageId: "<export-run-1-export_ready@hirevault>",
    date: new Date("2026-11-24T10:00:00Z"),
    link: LINK,
    ...over,
  };
}

function capture() {
  const lines: string[] = [];
  const logger = pino(
    { level: "trace" },
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  return { lines, logger };
}

describe("SmtpMailer against an in-process SMTP server", () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());
  beforeEach(() => {
    sink.messages.length = 0;
  });

  it("delivers the text and HTML parts with the deterministic Message-ID", async () => {
    const sent = await new SmtpMailer(sink.url, FROM).send(message());
    expect(sent.messageId).toBe("<export-run-1-export_ready@hirevault>");
    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]!.to).toEqual(["ada@example.test"]);
    expect(sink.messages[0]!.from).toBe("no-reply@hv.test");
    const mail = parseMail(sink.messages[0]!.raw);
    expect(mail.headers.get("message-id")).toBe("<export-run-1-export_ready@hirevault>");
    expect(mail.headers.get("auto-submitted")).toBe("auto-generated");
    expect(mail.headers.get("subject")).toBe("Full data export of Acme is ready");
    expect(mail.text).toContain(LINK);
    expect(mail.html).toContain(`href="${LINK}"`);
  });

  it("tells a 4xx rejection (transient) from a 5xx one (permanent)", async () => {
    const mailer = new SmtpMailer(sink.url, FROM);
    sink.rejectRcpt(451);
    const transient = await mailer.send(message()).catch((e: unknown) => e);
    expect(transient).toBeInstanceOf(Error);
    expect(isPermanentMailError(transient)).toBe(false);
    sink.rejectRcpt(550);
    const permanent = await mailer.send(message()).catch((e: unknown) => e);
    expect(isPermanentMailError(permanent)).toBe(true);
    expect(sink.messages).toHaveLength(0);
  });

  it("treats a refused connection as transient", async () => {
    const err = await new SmtpMailer("smtp://127.0.0.1:1", FROM).send(message()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(isPermanentMailError(err)).toBe(false);
  });
});

describe("EmlFileMailer (no SMTP_URL, README.md#configuration)", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "hv-outbox-"));
    return () => fs.rm(dir, { recursive: true, force: true });
  });

  it("writes one parseable .eml (0600, no temp file left) and logs the recipient, file and link", async () => {
    const { lines, logger } = capture();
    const outbox = path.join(dir, "outbox");
    await new EmlFileMailer(outbox, FROM, logger).send(message());
    const files = await fs.readdir(outbox);
    expect(files).toEqual(["20261124T100000Z-0190a000-0000-7000-8000-0000000000aa.eml"]);
    const file = path.join(outbox, files[0]!);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const raw = await fs.readFile(file, "utf8");
    expect(raw).toContain("\r\n"); // RFC 5322 line ends
    const mail = parseMail(raw);
    expect(mail.headers.get("message-id")).toBe("<export-run-1-export_ready@hirevault>");
    expect(mail.headers.get("from")).toBe(FROM);
    expect(mail.headers.get("to")).toBe("Ada Admin <ada@example.test>");
    expect(mail.text).toContain(LINK);
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ to: "ada@example.test", file, link: LINK });
  });

  it("createMailer picks SMTP with SMTP_URL and the data dir's outbox without", () => {
    const { logger } = capture();
    const base = { HIREVAULT_DATA_DIR: dir };
    expect(createMailer(loadConfig(base), logger).transport).toBe("file");
    expect(
      createMailer(loadConfig({ ...base, SMTP_URL: "smtps://u:p@mail.example.test:465" }), logger).transport,
    ).toBe("smtp");
  });
});

describe("mail configuration", () => {
  it("defaults the From address and refuses a non-SMTP SMTP_URL without echoing it", () => {
    expect(loadConfig({}).mailFrom).toBe("Hirevault <no-reply@localhost>");
    expect(loadConfig({ HIREVAULT_MAIL_FROM: "HR <hr@example.com>" }).mailFrom).toBe("HR <hr@example.com>");
    expect(() => loadConfig({ SMTP_URL: "http://user:s3cret@mail" })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ SMTP_URL: "http://user:s3cret@mail" })).not.toThrow(/s3cret/);
    expect(() => loadConfig({ HIREVAULT_MAIL_FROM: "nobody" })).toThrow(/HIREVAULT_MAIL_FROM/);
  });
});
