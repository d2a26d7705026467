import type { Kysely } from "kysely";
import type { DB, TableName } from "../db/schema/index.js";

// biome-ignore lint/suspicious/noExplicitAny: generic table names (see entity.repository.ts)
type AnyDb = Kysely<any>;

/** Statuses of an account that is not active: an import in progress, or a removal. */
const NOT_ACTIVE = ["importing", "removing"] as const;

/**
 * The rows of accounts being imported or removed, under their lease (`import_lease_expires_at`).
 * Only the account removal uses it; no method touches an `active` account.
 */
export class AccountRemovalRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The same repository inside the caller's transaction. */
  withTransaction(trx: Kysely<DB>): AccountRemovalRepository {
    return new AccountRemovalRepository(trx);
  }

  /** Accounts importing or removing whose lease is missing or ran out before `now`, oldest first. */
  async abandoned(now: string, limit: number) {
    return this.db
      .selectFrom("accounts")
      .select(["id", "name", "status", "import_lease_expires_at"])
      .where("status", "in", NOT_ACTIVE)
      .where((eb) =>
        eb.or([eb("import_lease_expires_at", "is", null), eb("import_lease_expires_at", "<", now)]),
      )
      .orderBy("import_lease_expires_at")
      .limit(limit)
      .execute();
  }

  /** Makes an abandoned account (lease missing or run out at `now`) `removing` until `leaseEnd`. */
  async claimAbandoned(accountId: string, now: string, leaseEnd: string): Promise<boolean> {
    const result = await this.db
      .updateTable("accounts")
      .set({ status: "removing", import_lease_expires_at: leaseEnd })
      .where("id", "=", accountId)
      .where("status", "in", NOT_ACTIVE)
      .where((eb) =>
        eb.or([eb("import_lease_expires_at", "is", null), eb("import_lease_expires_at", "<", now)]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Makes an importing or removing account `removing` until `leaseEnd`, whatever its lease. */
  async markRemoving(accountId: string, leaseEnd: string): Promise<boolean> {
    const result = await this.db
      .updateTable("accounts")
      .set({ status: "removing", import_lease_expires_at: leaseEnd })
      .where("id", "=", accountId)
      .where("status", "in", NOT_ACTIVE)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Whether an account row with this id exists, in any status. */
  async exists(accountId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("accounts")
      .select("id")
      .where("id", "=", accountId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Extends the lease of a `removing` account; `false` when it is not (or no longer) one. */
  async renew(accountId: string, leaseEnd: string): Promise<boolean> {
    const result = await this.db
      .updateTable("accounts")
      .set({ import_lease_expires_at: leaseEnd })
      .where("id", "=", accountId)
      .where("status", "=", "removing")
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Deletes the row of a `removing` account; `false` when it is not (or no longer) one. */
  async deleteRemoving(accountId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("accounts")
      .where("id", "=", accountId)
      .where("status", "=", "removing")
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Deletes up to `limit` rows of the account from `table`; how many went. */
  async deleteBatch(table: TableName, accountId: string, limit: number): Promise<number> {
    const db = this.db as unknown as AnyDb;
    const batch = db.selectFrom(table).select("id").where("account_id", "=", accountId).limit(limit);
    const result = await db.deleteFrom(table).where("id", "in", batch).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Sets `column` to null in up to `limit` rows of the account where it is set; how many. */
  async clearColumnBatch(
    table: TableName,
    column: string,
    accountId: string,
    limit: number,
  ): Promise<number> {
    const db = this.db as unknown as AnyDb;
    const batch = db
      .selectFrom(table)
      .select("id")
      .where("account_id", "=", accountId)
      .where(column, "is not", null)
      .limit(limit);
    const result = await db
      .updateTable(table)
      .set({ [column]: null })
      .where("id", "in", batch)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
