import type { Kysely } from "kysely";
import type { DB } from "../db/schema/index.js";

/** The monthly backup schedule of each account (one row at most per account). */
export class BackupScheduleRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** How many months the account keeps its backups; undefined when it has no schedule row. */
  async retentionMonths(accountId: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom("backup_schedules")
      .select("retention_months")
      .where("account_id", "=", accountId)
      .executeTakeFirst();
    return row?.retention_months;
  }
}
