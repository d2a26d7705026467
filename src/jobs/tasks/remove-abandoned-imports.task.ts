import type { Kysely } from "kysely";
import type { DB } from "../../db/schema/index.js";
import type { Clock } from "../../domain/clock.js";
import type { Logger } from "../../logger.js";
import { type AccountRemovalOptions, AccountRemovalService } from "../../services/account-removal.service.js";
import type { BlobStore } from "../../storage/blob-store.js";
import type { PeriodicTask } from "../periodic-task.js";

/** What one pass removed. */
export interface AbandonedImportsSummary {
  /** Accounts whose removal this pass took over, and of those, how many are gone now. */
  claimed: number;
  removed: number;
  rows: number;
  files: number;
}

/**
 * Removes what an import left behind when its process died (SIGKILL, power loss, Ctrl-C) — or a
 * failed import's removal that died half-way: an account still `importing` or `removing` whose
 * lease has run out on this task's clock. Its rows and its files under `accounts/<id>/` go in
 * batches (`services/account-removal.service.ts`), and with them the name the import held.
 * Several workers may run it: each account's removal is claimed by one at a time.
 */
export class RemoveAbandonedImportsTask implements PeriodicTask {
  readonly name = "remove-abandoned-imports";
  readonly intervalMs = 60_000;
  readonly #removal: AccountRemovalService;

  constructor(
    db: Kysely<DB>,
    blobs: BlobStore,
    clock: Clock,
    private readonly logger: Logger,
    opts: Omit<AccountRemovalOptions, "clock"> = {},
  ) {
    this.#removal = new AccountRemovalService(db, blobs, { ...opts, clock });
  }

  async run(signal: AbortSignal): Promise<void> {
    await this.removeAbandoned(signal);
  }

  /** One pass over the accounts abandoned now. */
  async removeAbandoned(signal?: AbortSignal): Promise<AbandonedImportsSummary> {
    const summary: AbandonedImportsSummary = { claimed: 0, removed: 0, rows: 0, files: 0 };
    for (const account of await this.#removal.abandoned()) {
      if (signal?.aborted) break;
      if (!(await this.#removal.claimAbandoned(account.id))) continue;
      summary.claimed++;
      const result = await this.#removal.remove(account.id, signal);
      summary.rows += result.rows;
      summary.files += result.files;
      if (result.removed) summary.removed++;
      this.logger.info(
        { accountId: account.id, account: account.name, was: account.status, ...result },
        result.removed
          ? "removed an abandoned import"
          : "removing an abandoned import: stopped early, to be continued",
      );
    }
    return summary;
  }
}
