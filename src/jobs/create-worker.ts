import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import { linkBaseUrl } from "../config/env.js";
import { type Clock, systemClock } from "../domain/clock.js";
import type { Runtime } from "../runtime.js";
import { BlobErasureService } from "../services/blob-erasure.service.js";
import { DownloadLinkService } from "../services/download-link.service.js";
import { WebSessionService } from "../services/web-session.service.js";
import { ExportRunner } from "./export-runner.js";
import { CleanExportTempTask } from "./tasks/clean-export-temp.task.js";
import { DeleteExpiredSessionsTask } from "./tasks/delete-expired-sessions.task.js";
import { EraseDeletedFilesTask } from "./tasks/erase-deleted-files.task.js";
import { ExpireExportsTask } from "./tasks/expire-exports.task.js";
import { ReleasePaidExportsTask } from "./tasks/release-paid-exports.task.js";
import { RemoveAbandonedImportsTask } from "./tasks/remove-abandoned-imports.task.js";
import { RunExportsTask } from "./tasks/run-exports.task.js";
import { ScheduleBackupsTask } from "./tasks/schedule-backups.task.js";
import { createSendEmailsTask } from "./tasks/send-emails.task.js";
import { SweepStorageTask } from "./tasks/sweep-storage.task.js";
import { Worker } from "./worker.js";

/** A lease owner id unique to this process: host, pid and a random suffix (pid reuse). */
export function workerId(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString("hex")}`;
}

/** Where export attempts keep their temp files: on the worker's own disk. */
export function exportTmpRoot(rt: Runtime): string {
  return path.join(rt.config.dataDir, "tmp", "exports");
}

/** The export runner of a process, with temp files under {@link exportTmpRoot}. */
export function createExportRunner(rt: Runtime, clock: Clock = systemClock): ExportRunner {
  return new ExportRunner({
    database: rt.database,
    blobs: rt.blobs,
    clock,
    logger: rt.logger,
    tmpRoot: exportTmpRoot(rt),
    owner: workerId(),
    leaseMs: rt.config.exportLeaseMs,
    links: new DownloadLinkService({
      db: rt.database.db,
      secret: rt.secret,
      clock,
      publicUrl: linkBaseUrl(rt.config),
    }),
  });
}

/** The worker with every background task of this release. */
export function createWorker(rt: Runtime, clock: Clock = systemClock): Worker {
  const { db } = rt.database;
  const erasure = new BlobErasureService(db, rt.blobs);
  return new Worker(
    [
      new RunExportsTask(createExportRunner(rt, clock)),
      new ScheduleBackupsTask(db, clock, rt.logger),
      new ReleasePaidExportsTask(db, clock, rt.logger),
      new ExpireExportsTask(db, rt.blobs, clock, rt.logger),
      new CleanExportTempTask(db, exportTmpRoot(rt), rt.logger),
      new EraseDeletedFilesTask(erasure, rt.logger),
      new SweepStorageTask(db, rt.blobs, clock, rt.logger),
      new RemoveAbandonedImportsTask(db, rt.blobs, clock, rt.logger),
      new DeleteExpiredSessionsTask(new WebSessionService(db, clock), rt.logger),
      createSendEmailsTask(rt, clock, workerId()),
    ],
    rt.logger,
  );
}
