import path from "node:path";
import { type Static, type TLiteral, type TSchema, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { DEFAULTS } from "./defaults.js";

/** How `/downloads/<token>` sends a file (see {@link Config.downloads}). */
export const DOWNLOAD_MODES = ["redirect", "stream"] as const;
export type DownloadMode = (typeof DOWNLOAD_MODES)[number];

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** A variable that may be unset; set to blanks it counts as unset, and it is read trimmed. */
const optionalString = (pattern?: RegExp, message?: string) =>
  Type.Optional(Type.String(pattern ? { pattern: pattern.source, message } : {}));

/** One of `values`, with the message `loadConfig` gives for anything else. */
const oneOf = <const T extends readonly string[]>(values: T, fallback: T[number]) =>
  Type.Union(values.map((v) => Type.Literal(v)) as TLiteral<T[number]>[], {
    default: fallback,
    message: `Invalid option: expected one of ${values.map((v) => `"${v}"`).join("|")}`,
  });

/**
 * The variables as `loadConfig` reads them: blank optional text removed, numeric variables
 * passed through `Number()` (so `PORT=abc` is NaN and fails as not an integer), then defaults.
 */
const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: DEFAULTS.port }),
  HOST: Type.String({ default: "127.0.0.1" }),
  HIREVAULT_DATA_DIR: Type.String({ default: DEFAULTS.dataDir }),
  DATABASE_URL: optionalString(
    /^postgres(ql)?:\/\//,
    "must start with postgres:// or postgresql:// (unset it to use the embedded SQLite file)",
  ),
  S3_BUCKET: optionalString(),
  S3_ENDPOINT: optionalString(),
  S3_REGION: optionalString(),
  S3_ACCESS_KEY_ID: optionalString(),
  S3_SECRET_ACCESS_KEY: optionalString(),
  SMTP_URL: optionalString(
    /^[sS][mM][tT][pP][sS]?:\/\//,
    "must start with smtp:// or smtps:// (unset it to write emails as .eml files to the data dir)",
  ),
  HIREVAULT_MAIL_FROM: optionalString(/@/, 'must be an address, e.g. "Hirevault <no-reply@example.com>"'),
  HIREVAULT_SECRET: optionalString(),
  PUBLIC_URL: optionalString(),
  LOG_LEVEL: oneOf(LOG_LEVELS, DEFAULTS.logLevel),
  HIREVAULT_MAX_UPLOAD_BYTES: Type.Integer({ exclusiveMinimum: 0, default: DEFAULTS.maxUploadBytes }),
  HIREVAULT_RATE_LIMIT: Type.Integer({ exclusiveMinimum: 0, default: DEFAULTS.rateLimitMax }),
  HIREVAULT_DEMO: oneOf(["true", "false"], "true"),
  TRUST_PROXY: optionalString(),
  HIREVAULT_EXPORT_LEASE_MS: Type.Integer({ minimum: 1000, default: DEFAULTS.exportLeaseMs }),
  HIREVAULT_DOWNLOADS: oneOf(DOWNLOAD_MODES, DEFAULTS.downloads),
});
type Env = Static<typeof EnvSchema>;

/** The environment's values for {@link EnvSchema}, before defaults. */
function readEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(EnvSchema.properties) as [string, TSchema][]) {
    const raw = env[name];
    if (raw === undefined) continue;
    if (schema.type === "integer") out[name] = Number(raw);
    else if (schema.default !== undefined || schema.anyOf) out[name] = raw;
    else if (raw.trim() !== "") out[name] = raw.trim();
  }
  return out;
}

/** The parsed configuration; read once at start-up and passed down (never read env elsewhere). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  s3:
    | { bucket: string; endpoint?: string; region: string; accessKeyId?: string; secretAccessKey?: string }
    | undefined;
  /**
   * `smtp://` or `smtps://` mail server; unset: emails are written to `<data dir>/outbox`
   * (README.md#configuration).
   */
  smtpUrl: string | undefined;
  /** From address of the emails Hirevault sends. */
  mailFrom: string;
  secret: string | undefined;
  publicUrl: string | undefined;
  logLevel: Env["LOG_LEVEL"];
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

/**
 * Parses the environment (README.md#configuration); throws ConfigError naming each bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const values = Value.Default(EnvSchema, readEnv(env));
  if (!Value.Check(EnvSchema, values)) {
    // One line per variable: its first error, with the schema's own message when it has one.
    const lines = new Map<string, string>();
    for (const error of Value.Errors(EnvSchema, values)) {
      const name = error.path.slice(1);
      if (!lines.has(name)) lines.set(name, `${name}: ${(error.schema.message as string) ?? error.message}`);
    }
    throw new ConfigError(`invalid configuration:\n  ${[...lines.values()].join("\n  ")}`);
  }
  const e: Env = values;
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
