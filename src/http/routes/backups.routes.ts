import { Type } from "@sinclair/typebox";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema/index.js";
import type { Clock } from "../../domain/clock.js";
import type { BackupScheduleService } from "../../services/backup-schedule.service.js";
import type { DownloadLinkService } from "../../services/download-link.service.js";
import type { ExportService } from "../../services/export.service.js";
import { authOf, writeContextOf } from "../middleware/auth.js";
import { presentBackupSchedule } from "../presenters/backup-schedule.presenter.js";
import { ERROR_RESPONSES } from "../schemas/common.schema.js";
import { BackupScheduleSchema } from "../schemas/export.schema.js";
import type { App } from "../types.js";
import { sendCandidatesReport } from "./candidates-report.js";

export interface BackupRouteDeps {
  schedules: BackupScheduleService;
  exports: ExportService;
  links: DownloadLinkService | undefined;
  clock: Clock;
  /** Runs a read on one consistent snapshot (`Database.readSnapshot`). */
  readSnapshot: <T>(fn: (db: Kysely<DB>) => Promise<T>) => Promise<T>;
}

/**
 * Settings › Data Backup through the API (docs/EXPORTS.md#the-monthly-backup) and the Candidates
 * Excel Report on its own (docs/EXPORTS.md#the-candidates-excel-report). Owners and admins only.
 */
export function registerBackupRoutes(app: App, deps: BackupRouteDeps): void {
  const view = async (request: Parameters<typeof writeContextOf>[0]) => {
    const minting = { links: deps.links, clock: deps.clock, userId: authOf(request).userId };
    const { newest_run: _newest, ...view } = await presentBackupSchedule(
      deps,
      writeContextOf(request),
      minting,
    );
    return view;
  };

  app.get(
    "/api/v1/backup-schedule",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["backups"],
        operationId: "get_backup_schedule",
        summary: "Settings › Data Backup: the monthly schedule, the latest backup and older ones",
        response: { 200: BackupScheduleSchema, ...ERROR_RESPONSES },
      },
    },
    (request) => view(request),
  );

  app.put(
    "/api/v1/backup-schedule",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["backups"],
        operationId: "update_backup_schedule",
        summary: "Enable Monthly Backups (the first one starts at once) or disable them; set retention",
        body: Type.Object(
          {
            enabled: Type.Optional(Type.Boolean()),
            retention_months: Type.Optional(Type.Integer({ description: "1–24, default 3" })),
          },
          { additionalProperties: false },
        ),
        response: { 200: BackupScheduleSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      await deps.schedules.update(writeContextOf(request), request.body);
      return view(request);
    },
  );

  app.get(
    "/api/v1/reports/candidates.xlsx",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["backups"],
        operationId: "download_candidates_report",
        summary: "The Candidates Excel Report (the sheet of the monthly backup), streamed",
      },
    },
    async (request, reply) =>
      sendCandidatesReport(request, reply, {
        exports: deps.exports,
        ctx: writeContextOf(request),
        clock: deps.clock,
        readSnapshot: deps.readSnapshot,
        via: "api",
      }),
  );
}
