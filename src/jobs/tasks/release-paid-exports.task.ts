import type { Kysely } from "kysely";
import { writeTransaction } from "../../db/dialect.js";
import type { DB } from "../../db/schema/index.js";
import type { Clock } from "../../domain/clock.js";
import type { Logger } from "../../logger.js";
import { releasePaidExports } from "../../services/payment-gate.service.js";
import { SYSTEM_ACTOR } from "../../services/write-context.js";
import type { PeriodicTask } from "../periodic-task.js";

/**
 * Starts full exports waiting for payment whose account has no pending invoice any more
 * (docs/EXPORTS.md#the-full-data-export). Invoice writes through the API or `hirevault invoice`
 * release them at once; this sweep catches invoices settled any other way (a billing import, SQL by
 * hand) and the rare request that raced an invoice write. One guarded UPDATE, so any number of
 * workers may sweep at once.
 */
export class ReleasePaidExportsTask implements PeriodicTask {
  readonly name = "release-paid-exports";
  readonly intervalMs = 15_000;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async run(): Promise<void> {
    const now = this.clock.now();
    // The release and its audit entries commit together.
    const released = await writeTransaction(this.db, (trx) =>
      releasePaidExports(trx, now, { actor: SYSTEM_ACTOR }, "sweep"),
    );
    for (const run of released)
      this.logger.info(
        { exportRunId: run.id, accountId: run.account_id },
        "export released: invoices settled",
      );
  }
}
