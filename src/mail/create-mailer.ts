import path from "node:path";
import type { Config } from "../config/env.js";
import type { Logger } from "../logger.js";
import { EmlFileMailer } from "./eml-file-mailer.js";
import type { Mailer } from "./mailer.js";
import { SmtpMailer } from "./smtp-mailer.js";

/** Where emails go without `SMTP_URL`: `<data dir>/outbox` (README.md#configuration). */
export function outboxDir(config: Pick<Config, "dataDir">): string {
  return path.join(config.dataDir, "outbox");
}

/**
 * SMTP when `SMTP_URL` is set, else `.eml` files in {@link outboxDir} (README.md#configuration).
 */
export function createMailer(
  config: Pick<Config, "smtpUrl" | "mailFrom" | "dataDir">,
  logger: Logger,
): Mailer {
  if (config.smtpUrl) return new SmtpMailer(config.smtpUrl, config.mailFrom);
  return new EmlFileMailer(outboxDir(config), config.mailFrom, logger);
}
