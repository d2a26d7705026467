/** Defaults of README.md#configuration and of the limits this product documents in README.md. */
export const DEFAULTS = {
  port: 3000,
  dataDir: "./data",
  s3Region: "us-east-1",
  /** Largest accepted upload (CVs, documents). 25 MiB, like most ATS vendors' limit. */
  maxUploadBytes: 25 * 1024 * 1024,
  /** Requests per token (or per IP without one) per window. */
  rateLimitMax: 600,
  rateLimitWindowMs: 60_000,
  logLevel: "info",
  /** A dead worker's export is taken over after this long without a heartbeat. */
  exportLeaseMs: 60_000,
  /** `HIREVAULT_DOWNLOADS`: S3-stored export files are sent by a ≤ 5-minute presigned redirect. */
  downloads: "redirect",
  /** From address of emails (`HIREVAULT_MAIL_FROM`). */
  mailFrom: "Hirevault <no-reply@localhost>",
} as const;
