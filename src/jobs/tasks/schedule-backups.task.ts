import type { Kysely } from "kysely";
import type { DB } from "../../db/schema/index.js";
import { latestDuePeriod, nextOccurrence, periodOf } from "../../domain/backup-period.js";
import type { Clock } from "../../domain/clock.js";
import type { Logger } from "../../logger.js";
import { BackupScheduleRepository } from "../../repositories/backup-schedule.repository.js";
import { ExportRunRepository } from "../../repositories/export-run.repository.js";
import { MAX_ATTEMPTS } from "../../services/export.service.js";
import type { PeriodicTask } from "../periodic-task.js";

const BATCH = 200;

/**
 * The monthly backup scheduler (docs/EXPORTS.md#the-monthly-backup). Each schedule whose
 * `next_due_at` has come gets the backup of its latest due period — only that one, however many
 * months a stopped service missed (pg-boss "once", docs/EXPORTS.md#monthly-schedule) — and its next
 * due time. Any number of schedulers may tick at once: the run's period is unique per account, so
 * the losers insert nothing (docs/EXPORTS.md#monthly-schedule).
 */
export class ScheduleBackupsTask implements PeriodicTask {
  readonly name = "schedule-backups";
  readonly intervalMs = 30_000;
  private readonly runs: ExportRunRepository;
  private readonly schedules: BackupScheduleRepository;

  constructor(
    db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.runs = new ExportRunRepository(db);
    this.schedules = new BackupScheduleRepository(db);
  }

  async run(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    let after = "";
    for (;;) {
      const due = await this.schedules.due(now, after, BATCH);
      for (const s of due) {
        if (signal?.aborted) return;
        await this.schedule(s, now);
      }
      if (due.length < BATCH) return;
      after = due.at(-1)!.id;
    }
  }

  private async schedule(
    s: {
      id: string;
      account_id: string;
      day_of_month: number;
      enabled_at: string | null;
      enabled_by_id: string | null;
      time_zone: string;
    },
    now: Date,
  ): Promise<void> {
    const { period } = latestDuePeriod(now, s.day_of_month, s.time_zone);
    const first = s.enabled_at ? periodOf(new Date(s.enabled_at), s.time_zone) : period;
    if (period >= first) {
      await this.runs.createOrGetActive(
        {
          accountId: s.account_id,
          format: "backup",
          trigger: "schedule",
          requestedById: s.enabled_by_id,
          period,
          maxAttempts: MAX_ATTEMPTS,
        },
        now,
      );
      const made = await this.runs.hasBackupFor(s.account_id, period);
      // Not made: another backup of the account is running; try again at the next tick.
      if (!made) return;
      this.logger.info({ accountId: s.account_id, period }, "monthly backup scheduled");
    }
    await this.schedules.setNextDue(s.id, nextOccurrence(now, s.day_of_month, s.time_zone).toISOString());
  }
}
