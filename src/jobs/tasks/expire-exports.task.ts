import type { Kysely } from "kysely";
import type { DB } from "../../db/schema/index.js";
import type { Clock } from "../../domain/clock.js";
import type { Logger } from "../../logger.js";
import { recordAudit } from "../../repositories/audit-log.repository.js";
import { ExportRunRepository } from "../../repositories/export-run.repository.js";
import { SYSTEM_ACTOR } from "../../services/write-context.js";
import type { BlobStore } from "../../storage/blob-store.js";
import { deletePrefix } from "../../storage/delete-prefix.js";
import { runPrefix } from "../export-keys.js";
import type { PeriodicTask } from "../periodic-task.js";

/**
 * Expiry is data plus a sweep (Outline): runs past `expires_at`, or revoked, lose their files —
 * blobs first, then the state `expired` — so a link that answers 410 points at nothing left in
 * storage (docs/EXPORTS.md#retention-and-expiry). Idempotent: a sweep cut short is finished by the
 * next one.
 */
export class ExpireExportsTask implements PeriodicTask {
  readonly name = "expire-exports";
  readonly intervalMs = 60_000;
  private readonly runs: ExportRunRepository;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.runs = new ExportRunRepository(db);
  }

  async run(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const due = await this.runs.dueForExpiry(now, 100);
      for (const run of due) {
        if (signal?.aborted) return;
        await deletePrefix(this.blobs, runPrefix(run));
        if (await this.runs.markExpired(run, now)) {
          await recordAudit(
            this.db,
            { accountId: run.account_id, actor: SYSTEM_ACTOR },
            {
              action: "export.expired",
              entityType: "export_run",
              entityId: run.id,
              changes: { format: run.format, revoked: run.revoked_at !== null },
            },
            now.toISOString(),
          );
          this.logger.info({ exportRunId: run.id }, "export files deleted (expired or revoked)");
        }
      }
      if (due.length < 100) return;
    }
  }
}
