import pino, { type Logger } from "pino";

/**
 * Paths pino blanks out wherever they appear in a log record. Tokens, passwords, secrets and
 * signed links never reach a log (OWASP Logging Cheat Sheet; docs/EXPORTS.md#links-and-downloads).
 */
export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  // A download link's redirect points at a presigned S3 URL (docs/EXPORTS.md#links-and-downloads).
  "res.headers.location",
  "headers.location",
  "headers.authorization",
  "headers.cookie",
  "authorization",
  "body.token",
  "token",
  "*.token",
  "password",
  "*.password",
  "secret",
  "*.secret",
  "secretAccessKey",
  "*.secretAccessKey",
];

export const REDACTED = "[Redacted]";

/**
 * The process logger: JSON lines on stdout (stderr for CLI commands whose stdout is data). Written
 * through `process.stdout` / `process.stderr` (synchronous for files, terminals and pipes), so a
 * log reader that goes away is handled like any closed pipe (`cli/closed-pipes.ts`): lines are
 * dropped, nothing is buffered for a reader that will never come back.
 */
export function createLogger(opts: {
  level: string;
  destination?: "stdout" | "stderr";
  name?: string;
}): Logger {
  return pino(
    {
      name: opts.name ?? "hirevault",
      level: opts.level,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
    },
    opts.destination === "stderr" ? process.stderr : process.stdout,
  );
}

export type { Logger };
