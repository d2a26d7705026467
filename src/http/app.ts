import multipart from "@fastify/multipart";
import swagger from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyBaseLogger } from "fastify";
import type { Kysely } from "kysely";
import { DEFAULTS } from "../config/defaults.js";
import type { Config } from "../config/env.js";
import type { DialectName } from "../db/dialect.js";
import type { DB } from "../db/schema/index.js";
import { type Clock, systemClock } from "../domain/clock.js";
import { AccountRepository } from "../repositories/account.repository.js";
import { ApiTokenService } from "../services/api-token.service.js";
import { AttachmentService } from "../services/attachment.service.js";
import { AuditLogService } from "../services/audit-log.service.js";
import { BackupScheduleService } from "../services/backup-schedule.service.js";
import { DownloadLinkService } from "../services/download-link.service.js";
import { EntityService } from "../services/entity.service.js";
import { ExportService } from "../services/export.service.js";
import { WebSessionService } from "../services/web-session.service.js";
import type { BlobStore } from "../storage/blob-store.js";
import { registerWebPages } from "../web/plugin.js";
import { sendNotFoundPage } from "../web/web-errors.js";
import { loggerOptions, redactingChild } from "./logger.js";
import { registerAuth } from "./middleware/auth.js";
import { registerErrorHandling } from "./middleware/errors.js";
import { clientErrorHandler, frameworkErrors } from "./middleware/framework-errors.js";
import { registerRateLimit } from "./middleware/rate-limit.js";
import { registerSecurityHeaders, requestIdOf } from "./middleware/security-headers.js";
import { registerApiTokenRoutes } from "./routes/api-tokens.routes.js";
import { registerApplicationRoutes } from "./routes/applications.routes.js";
import { registerAttachmentRoutes } from "./routes/attachments.routes.js";
import { registerBackupRoutes } from "./routes/backups.routes.js";
import { registerDownloadRoutes } from "./routes/downloads.routes.js";
import { registerEntityRoutes } from "./routes/entity.routes.js";
import { registerExportRoutes } from "./routes/exports.routes.js";
import { registerMeRoutes } from "./routes/me.routes.js";
import { registerOpenApiRoute, swaggerOptions } from "./routes/openapi.routes.js";
import type { App } from "./types.js";
import { registerJsonBodyParser } from "./validation/json-body.js";
import { validatorCompiler } from "./validation/validator-compiler.js";

/** What the HTTP API needs; services are built from these (each gets only what it uses). */
export interface AppDeps {
  db: Kysely<DB>;
  dialect: DialectName;
  blobs: BlobStore;
  /** `downloads` (`HIREVAULT_DOWNLOADS`) defaults to `redirect`, which only S3 storage can do. */
  config: Pick<Config, "maxUploadBytes" | "rateLimitMax" | "logLevel"> &
    Partial<Pick<Config, "trustProxy" | "downloads">>;
  clock?: Clock;
  /** Consistent reads for streamed reports (`Database.readSnapshot`); default: a transaction on `db`. */
  readSnapshot?: <T>(fn: (db: Kysely<DB>) => Promise<T>) => Promise<T>;
  /** Origin of absolute download links (`PUBLIC_URL`). */
  publicUrl?: string | undefined;
  /** Link-signing key (`Runtime.secret`); without it `/downloads/<token>` is not served. */
  secret?: Buffer;
  /** A pino (or compatible) logger; without one, a pino logger at `config.logLevel` with redaction. */
  logger?: FastifyBaseLogger;
  /** Version shown in the OpenAPI document. */
  version?: string;
}

/** JSON bodies are small records; files go through multipart with their own limit. */
const JSON_BODY_LIMIT = 1024 * 1024;

/**
 * Builds the HTTP API (docs/API.md) without listening, so tests call `app.inject()` (no port) and
 * `start` adds `listen()`. Order matters: security headers and token resolution run first
 * (`onRequest`), then the rate limiter (it keys on the token), then the auth check (`preParsing`,
 * before any body is read), then schema validation, then the route.
 */
export async function buildApp(deps: AppDeps): Promise<App> {
  const clock = deps.clock ?? systemClock;
  const app = Fastify({
    ...(deps.logger
      ? { loggerInstance: redactingChild(deps.logger) }
      : { logger: loggerOptions(deps.config) }),
    genReqId: requestIdOf,
    requestIdHeader: false,
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy: trustProxyOption(deps.config.trustProxy),
    // Refusals before any route runs are problem+json too, without repeating the request.
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // The API speaks JSON (and multipart for files): a text/plain body is a 415, not a string to validate.
  app.removeContentTypeParser("text/plain");
  registerJsonBodyParser(app);

  const tokens = new ApiTokenService(deps.db, clock);
  const entities = new EntityService({ db: deps.db, dialect: deps.dialect, blobs: deps.blobs, clock });
  const attachments = new AttachmentService(deps.db, clock);
  const accounts = new AccountRepository(deps.db, clock);

  registerSecurityHeaders(app);
  registerAuth(app, tokens);
  await registerRateLimit(app, deps.config.rateLimitMax);
  registerErrorHandling(app, { htmlNotFound: sendNotFoundPage });
  await app.register(multipart, {
    limits: {
      fileSize: deps.config.maxUploadBytes,
      files: 1,
      fields: 10,
      fieldSize: 1024,
      parts: 12,
      headerPairs: 50,
    },
  });
  await app.register(swagger, swaggerOptions(deps.version ?? "1.0.0"));

  registerOpenApiRoute(app);
  registerMeRoutes(app, { accounts, tokens });
  registerApiTokenRoutes(app, tokens);
  registerApplicationRoutes(app, entities);
  registerAttachmentRoutes(app, {
    attachments,
    entities,
    blobs: deps.blobs,
    maxUploadBytes: deps.config.maxUploadBytes,
  });
  registerEntityRoutes(app, entities);
  const links = deps.secret
    ? new DownloadLinkService({ db: deps.db, secret: deps.secret, clock, publicUrl: deps.publicUrl })
    : undefined;
  if (links) {
    registerDownloadRoutes(app, {
      links,
      blobs: deps.blobs,
      mode: deps.config.downloads ?? DEFAULTS.downloads,
    });
  }
  const exports = new ExportService(deps.db, clock);
  registerExportRoutes(app, { exports, links, blobs: deps.blobs, clock });
  const schedules = new BackupScheduleService(deps.db, clock);
  const readSnapshot = deps.readSnapshot ?? ((fn) => deps.db.transaction().execute(fn));
  registerBackupRoutes(app, {
    schedules,
    exports,
    links,
    clock,
    readSnapshot,
  });
  await registerWebPages(app, {
    readSnapshot,
    clock,
    sessions: new WebSessionService(deps.db, clock),
    exports,
    schedules,
    tokens,
    audit: new AuditLogService(deps.db),
    // Pages link to `/downloads/…` relative to themselves: right behind any proxy or port.
    links: deps.secret ? new DownloadLinkService({ db: deps.db, secret: deps.secret, clock }) : undefined,
  });
  return app;
}

/** Fastify takes a hop count as a function of the hop index (proxy-addr semantics). */
function trustProxyOption(
  value: Config["trustProxy"] | undefined,
): boolean | string[] | ((_: string, hop: number) => boolean) {
  if (typeof value === "number") return (_addr, hop) => hop < value;
  return value ?? false;
}

export type { App } from "./types.js";
