import path from "node:path";
import { z } from "zod";
import { DEFAULTS } from "./defaults.js";

/** How `/downloads/<token>` sends a file (see {@link Config.downloads}). */
export const DOWNLOAD_MODES = ["redirect", "stream"] as const;
export type DownloadMode = (typeof DOWNLOAD_MODES)[number];

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULTS.port),
  HOST: z.string().default("127.0.0.1"),
  HIREVAULT_DATA_DIR: z.string().default(DEFAULTS.dataDir),
  DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
    message: "must start with postgres:// or postgresql:// (unset it to use the embedded SQLite file)",
  }),
  S3_BUCKET: optionalString,
  S3_ENDPOINT: optionalString,
  S3_REGION: optionalString,
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  SMTP_URL: optionalString.refine((v) => v === undefined || /^smtps?:\/\//i.test(v), {
    message: "must start with smtp:// or smtps:// (unset it to write emails as .eml files to the data dir)",
  }),
  HIREVAULT_MAIL_FROM: optionalString.refine((v) => v === undefined || v.includes("@"), {
    message: 'must be an address, e.g. "Hirevault <no-reply@example.com>"',
  }),
  HIREVAULT_SECRET: optionalString,
  PUBLIC_URL: optionalString,
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default(DEFAULTS.logLevel),
  HIREVAULT_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(DEFAULTS.maxUploadBytes),
  HIREVAULT_RATE_LIMIT: z.coerce.number().int().positive().default(DEFAULTS.rateLimitMax),
  HIREVAULT_DEMO: z.enum(["true", "false"]).default("true"),
  TRUST_PROXY: optionalString,
  HIREVAULT_EXPORT_LEASE_MS: z.coerce.number().int().min(1000).default(DEFAULTS.exportLeaseMs),
  HIREVAULT_DOWNLOADS: z.enum(DOWNLOAD_MODES).default(DEFAULTS.downloads),
});

/** The parsed configuration; read once at start-up and passed down (never read env elsewhere). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  s3:
    | { bucket: string; endpoint?: string; region: string; accessKeyId?: string; secretAccessKey?: string }
    | undefined;
  /** `smtp://` or `smtps://` mail server; unset: emails are written to `<data dir>/outbox` (SPEC §9). */
  smtpUrl: string | undefined;
  /** From address of the emails Hirevault sends. */
  mailFrom: string;
  secret: string | undefined;
  publicUrl: string | undefined;
  logLevel: z.infer<typeof EnvSchema>["LOG_LEVEL"];
  maxUploadBytes: number;
  rateLimitMax: number;
  /** Seed the demo account when `start` finds no account at all. */
  demo: boolean;
  /**
   * Behind a reverse proxy: `true`, a hop count, or comma-separated proxy addresses/CIDRs whose
   * X-Forwarded-For is believed (client IPs feed rate limits and the audit log).
   */
  trustProxy: boolean | number | string[];
  /**
   * How long a worker owns an export without a heartbeat; a worker that dies is replaced after
   * this. Heartbeats run every quarter of it (at most every 2 s).
   */
  exportLeaseMs: number;
  /**
   * `HIREVAULT_DOWNLOADS`. `redirect` (default): once a download link passed every check, an
   * S3-stored file is sent as a `302` to a presigned URL valid for at most 5 minutes. `stream`:
   * the app proxies the bytes. Local storage cannot presign and always streams.
   */
  downloads: DownloadMode;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment (SPEC §9); throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.HIREVAULT_DATA_DIR),
    exportLeaseMs: e.HIREVAULT_EXPORT_LEASE_MS,
    downloads: e.HIREVAULT_DOWNLOADS,
    databaseUrl: e.DATABASE_URL,
    s3: e.S3_BUCKET
      ? {
          bucket: e.S3_BUCKET,
          region: e.S3_REGION ?? DEFAULTS.s3Region,
          ...(e.S3_ENDPOINT ? { endpoint: e.S3_ENDPOINT } : {}),
          ...(e.S3_ACCESS_KEY_ID ? { accessKeyId: e.S3_ACCESS_KEY_ID } : {}),
          ...(e.S3_SECRET_ACCESS_KEY ? { secretAccessKey: e.S3_SECRET_ACCESS_KEY } : {}),
        }
      : undefined,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.HIREVAULT_MAIL_FROM ?? DEFAULTS.mailFrom,
    secret: e.HIREVAULT_SECRET,
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    maxUploadBytes: e.HIREVAULT_MAX_UPLOAD_BYTES,
    rateLimitMax: e.HIREVAULT_RATE_LIMIT,
    demo: e.HIREVAULT_DEMO === "true",
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
  };
}

function parseTrustProxy(raw: string | undefined): boolean | number | string[] {
  if (raw === undefined || raw === "false") return false;
  if (raw === "true") return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The origin links are built on (download links in master CSVs and emails): `PUBLIC_URL`, else
 * this host's API address. A worker with no `PUBLIC_URL` uses the same default as `start`, so
 * links it writes into files point at the API of a single-machine install.
 */
export function linkBaseUrl(config: Pick<Config, "publicUrl" | "host" | "port">): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, "");
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${config.port}`;
}
