import type { Kysely } from "kysely";
import type { DB } from "../db/schema/index.js";
import type { Clock } from "../domain/clock.js";
import type { ApiTokenService } from "../services/api-token.service.js";
import type { AuditLogService } from "../services/audit-log.service.js";
import type { BackupScheduleService } from "../services/backup-schedule.service.js";
import type { DownloadLinkService } from "../services/download-link.service.js";
import type { ExportService } from "../services/export.service.js";
import type { WebSession, WebSessionService } from "../services/web-session.service.js";

/** Who may open a web route: anyone, any signed-in team member, or owners and admins only. */
export type WebAccess = "public" | "signed-in" | "admin";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in team member of a web page request, or `null`. */
    webSession: WebSession | null;
  }
  interface FastifyContextConfig {
    /** Set on every web route; routes that omit it are for owners and admins (closed by default). */
    web?: WebAccess;
  }
}

/** A parsed `application/x-www-form-urlencoded` body: the first value of each name. */
export type FormBody = Record<string, string | undefined>;

/** What the web pages use; the same services as the API, so both behave alike. */
export interface WebDeps {
  clock: Clock;
  sessions: WebSessionService;
  exports: ExportService;
  schedules: BackupScheduleService;
  tokens: ApiTokenService;
  audit: AuditLogService;
  /** Runs a read on one consistent snapshot (the Candidates Excel Report). */
  readSnapshot: <T>(fn: (db: Kysely<DB>) => Promise<T>) => Promise<T>;
  /** Mints the signed download links shown on the pages; without it no link is shown. */
  links: DownloadLinkService | undefined;
}
