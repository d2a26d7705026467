import type { Kysely } from "kysely";
import { writeTransaction } from "../db/dialect.js";
import type { DB } from "../db/schema/index.js";
import { nextOccurrence, periodOf, wallClock } from "../domain/backup-period.js";
import type { Clock } from "../domain/clock.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../domain/errors.js";
import { newId } from "../domain/ids.js";
import { canExport } from "../domain/roles.js";
import { DEFAULT_BACKUP_RETENTION_MONTHS } from "../exports/retention.js";
import { AccountRepository } from "../repositories/account.repository.js";
import { recordAudit } from "../repositories/audit-log.repository.js";
import { type BackupSchedule, BackupScheduleRepository } from "../repositories/backup-schedule.repository.js";
import { ExportRunRepository } from "../repositories/export-run.repository.js";
import { MAX_ATTEMPTS } from "./export.service.js";
import type { WriteContext } from "./write-context.js";

export type { BackupSchedule } from "../repositories/backup-schedule.repository.js";

/**
 * Retention an admin may choose, in months (docs/EXPORTS.md#the-monthly-backup default 3; GDPR
 * storage limitation).
 */
export const RETENTION_RANGE = { min: 1, max: 24 } as const;

/**
 * Settings › Data Backup (docs/EXPORTS.md#the-monthly-backup): enabling makes the first backup at
 * once and anchors the monthly schedule on that day in the account's time zone; disabling stops new
 * backups and keeps the ones made (they expire with their retention).
 */
export class BackupScheduleService {
  private readonly schedules: BackupScheduleRepository;
  private readonly accounts: AccountRepository;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {
    this.schedules = new BackupScheduleRepository(db);
    this.accounts = new AccountRepository(db, clock);
  }

  /** The account's schedule; a never-enabled account gets the defaults (disabled). */
  async get(ctx: WriteContext): Promise<{ schedule: BackupSchedule; timeZone: string }> {
    assertAdmin(ctx);
    const timeZone = await this.timeZone(ctx.accountId);
    const row = await this.schedules.find(ctx.accountId);
    return { timeZone, schedule: row ?? this.defaults(ctx.accountId, timeZone) };
  }

  /** The schedule of an account that never enabled backups (id empty: not stored). */
  private defaults(accountId: string, timeZone: string): BackupSchedule {
    const at = this.clock.now().toISOString();
    return {
      id: "",
      account_id: accountId,
      enabled: false,
      day_of_month: wallClock(this.clock.now(), timeZone).day,
      retention_months: DEFAULT_BACKUP_RETENTION_MONTHS,
      enabled_at: null,
      enabled_by_id: null,
      next_due_at: null,
      created_at: at,
      updated_at: at,
    };
  }

  /** Turns backups on or off and/or changes retention; audited. */
  async update(
    ctx: WriteContext,
    input: { enabled?: boolean; retention_months?: number },
  ): Promise<{ schedule: BackupSchedule; timeZone: string }> {
    assertAdmin(ctx);
    const r = input.retention_months;
    if (r !== undefined && !(Number.isInteger(r) && r >= RETENTION_RANGE.min && r <= RETENTION_RANGE.max)) {
      throw ValidationError.field(
        "retention_months",
        `must be a whole number from ${RETENTION_RANGE.min} to ${RETENTION_RANGE.max}`,
      );
    }
    const timeZone = await this.timeZone(ctx.accountId);
    const now = this.clock.now();
    const at = now.toISOString();
    const { enabling, enabledById } = await writeTransaction(this.db, async (trx) => {
      // The row exists (disabled, as `get` shows a never-enabled account) and is locked before it
      // is read: concurrent updates run one after the other, each from the state the last left,
      // so enabling is audited (and starts the first backup) once.
      const schedules = this.schedules.withTransaction(trx);
      await schedules.insertUnlessExists({ ...this.defaults(ctx.accountId, timeZone), id: newId() });
      const current = await schedules.lock(ctx.accountId);
      const enabling = input.enabled === true && !current.enabled;
      const next = {
        enabled: input.enabled ?? current.enabled,
        retention_months: r ?? current.retention_months,
        day_of_month: enabling ? wallClock(now, timeZone).day : current.day_of_month,
        enabled_at: enabling ? at : current.enabled_at,
        enabled_by_id: enabling ? (ctx.actor.type === "user" ? ctx.actor.id : null) : current.enabled_by_id,
        updated_at: at,
      };
      const nextDue = next.enabled ? nextOccurrence(now, next.day_of_month, timeZone).toISOString() : null;
      await schedules.update(ctx.accountId, { ...next, next_due_at: nextDue });
      if (next.enabled !== current.enabled) {
        await recordAudit(
          trx,
          ctx,
          {
            action: next.enabled ? "backup_schedule.enabled" : "backup_schedule.disabled",
            entityType: "backup_schedule",
            changes: { day_of_month: next.day_of_month, retention_months: next.retention_months },
          },
          at,
        );
      }
      return { enabling, enabledById: next.enabled_by_id };
    });
    if (enabling) {
      // The first backup right away, as this month's: a re-enable within a month that already has
      // one does not make a second (one backup per period, docs/EXPORTS.md#monthly-schedule).
      await new ExportRunRepository(this.db).createOrGetActive(
        {
          accountId: ctx.accountId,
          format: "backup",
          trigger: "schedule",
          requestedById: enabledById,
          period: periodOf(now, timeZone),
          maxAttempts: MAX_ATTEMPTS,
        },
        now,
      );
    }
    return this.get(ctx);
  }

  private async timeZone(accountId: string): Promise<string> {
    const account = await this.accounts.findById(accountId);
    if (!account) throw new NotFoundError("account", accountId);
    return account.time_zone;
  }
}

function assertAdmin(ctx: WriteContext): void {
  if (!canExport(ctx.actor.role)) throw new ForbiddenError("Only owners and admins manage backups.");
}
