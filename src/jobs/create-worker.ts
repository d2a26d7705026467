import type { Runtime } from "../runtime.js";
import { BlobErasureService } from "../services/blob-erasure.service.js";
import { EraseDeletedFilesTask } from "./tasks/erase-deleted-files.task.js";
import { Worker } from "./worker.js";

/** The worker with every background task of this release. */
export function createWorker(rt: Runtime): Worker {
  const erasure = new BlobErasureService(rt.database.db, rt.blobs);
  return new Worker([new EraseDeletedFilesTask(erasure, rt.logger)], rt.logger);
}
