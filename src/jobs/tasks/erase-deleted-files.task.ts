import type { Logger } from "../../logger.js";
import type { BlobErasureService } from "../../services/blob-erasure.service.js";
import type { PeriodicTask } from "../periodic-task.js";

/**
 * Retries erasing files of deleted records that could not be erased right after their delete
 * (storage down, process killed, or an export that started before the delete was still reading
 * them): a deleted candidate's CV must not outlive the delete.
 */
export class EraseDeletedFilesTask implements PeriodicTask {
  readonly name = "erase-deleted-files";
  readonly intervalMs = 60_000;

  constructor(
    private readonly erasure: BlobErasureService,
    private readonly logger: Logger,
  ) {}

  async run(): Promise<void> {
    const erased = await this.erasure.eraseQueued();
    if (erased) this.logger.info({ erased }, "erased files of deleted records");
  }
}
