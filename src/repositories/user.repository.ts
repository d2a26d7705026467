import type { Kysely } from "kysely";
import type { DB } from "../db/schema/index.js";

/** Team members of an account. */
export class UserRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** A user of the account: its role and status. */
  async find(
    accountId: string,
    id: string,
  ): Promise<{ id: string; role: string; status: string } | undefined> {
    return this.db
      .selectFrom("users")
      .select(["id", "role", "status"])
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .executeTakeFirst();
  }

  /** The account's active owners and admins (who may export), earliest first. */
  async activeExporters(accountId: string): Promise<{ id: string; role: string }[]> {
    return this.db
      .selectFrom("users")
      .select(["id", "role"])
      .where("account_id", "=", accountId)
      .where("status", "=", "active")
      .where("role", "in", ["owner", "admin"])
      .orderBy("created_at")
      .orderBy("id")
      .execute();
  }
}
