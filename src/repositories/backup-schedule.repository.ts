import type { Insertable, Kysely, Selectable, Updateable } from "kysely";
import { lockForUpdate } from "../db/dialect.js";
import type { DB } from "../db/schema/index.js";
import { ACTIVE } from "./account.repository.js";

export type BackupSchedule = Selectable<DB["backup_schedules"]>;

/** The monthly backup schedule of each account (one row at most per account). */
export class BackupScheduleRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The same repository inside the caller's transaction. */
  withTransaction(trx: Kysely<DB>): BackupScheduleRepository {
    return new BackupScheduleRepository(trx);
  }

  async find(accountId: string): Promise<BackupSchedule | undefined> {
    return this.db
      .selectFrom("backup_schedules")
      .selectAll()
      .where("account_id", "=", accountId)
      .executeTakeFirst();
  }

  /** Inserts `row` unless the account has a schedule already (then leaves that one as it is). */
  async insertUnlessExists(row: Insertable<DB["backup_schedules"]>): Promise<void> {
    await this.db
      .insertInto("backup_schedules")
      .values(row)
      .onConflict((oc) => oc.column("account_id").doNothing())
      .execute();
  }

  /** The account's schedule, locked until the transaction ends; the row must exist. */
  async lock(accountId: string): Promise<BackupSchedule> {
    return lockForUpdate(
      this.db,
      this.db.selectFrom("backup_schedules").selectAll().where("account_id", "=", accountId),
    ).executeTakeFirstOrThrow();
  }

  async update(accountId: string, values: Updateable<DB["backup_schedules"]>): Promise<void> {
    await this.db.updateTable("backup_schedules").set(values).where("account_id", "=", accountId).execute();
  }

  /** How many months the account keeps its backups; undefined when it has no schedule row. */
  async retentionMonths(accountId: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom("backup_schedules")
      .select("retention_months")
      .where("account_id", "=", accountId)
      .executeTakeFirst();
    return row?.retention_months;
  }

  /**
   * Enabled schedules of active accounts whose next backup is due at `now`, in id order after
   * `afterId`, at most `limit`, each with its account's time zone.
   */
  async due(now: Date, afterId: string, limit: number) {
    return this.db
      .selectFrom("backup_schedules as s")
      .innerJoin("accounts as a", "a.id", "s.account_id")
      .select(["s.id", "s.account_id", "s.day_of_month", "s.enabled_at", "s.enabled_by_id", "a.time_zone"])
      .where("a.status", "=", ACTIVE)
      .where("s.enabled", "=", true)
      .where("s.next_due_at", "<=", now.toISOString())
      .where("s.id", ">", afterId)
      .orderBy("s.id")
      .limit(limit)
      .execute();
  }

  /** Sets when the schedule is next due, unless it was disabled meanwhile. */
  async setNextDue(id: string, nextDueAt: string): Promise<void> {
    await this.db
      .updateTable("backup_schedules")
      .set({ next_due_at: nextDueAt })
      .where("id", "=", id)
      .where("enabled", "=", true)
      .execute();
  }
}
