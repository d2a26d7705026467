import { type Kysely, sql } from "kysely";
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

  /** The email address of a user of the account. @throws when there is no such user. */
  async emailOf(accountId: string, id: string): Promise<string> {
    const row = await this.db
      .selectFrom("users")
      .select("email")
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    return row.email;
  }

  /** A user of the account with the name and address to write to. */
  async findContact(accountId: string, id: string) {
    return this.db
      .selectFrom("users")
      .select(["name", "email", "role", "status"])
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .executeTakeFirst();
  }

  /** A user of the account by email, compared in lower case (`email` must be lower case). */
  async findByEmail(accountId: string, email: string) {
    return this.db
      .selectFrom("users")
      .select(["id", "email", "status"])
      .where("account_id", "=", accountId)
      .where(sql<string>`lower(email)`, "=", email)
      .executeTakeFirst();
  }

  /** Sets a user's password hash and ends every web session of that user. */
  async setPasswordHash(accountId: string, id: string, hash: string, at: string): Promise<void> {
    await this.db
      .updateTable("users")
      .set({ password_hash: hash, updated_at: at })
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .execute();
    await this.db
      .deleteFrom("web_sessions")
      .where("account_id", "=", accountId)
      .where("user_id", "=", id)
      .execute();
  }

  /**
   * The account's team members by email, each with whether a password is set. The hash itself
   * never leaves the repository: listing who can sign in needs only that it exists.
   */
  async listWithSignIn(
    accountId: string,
  ): Promise<{ email: string; role: string; status: string; hasPassword: boolean }[]> {
    const rows = await this.db
      .selectFrom("users")
      .select(["email", "role", "status", "password_hash"])
      .where("account_id", "=", accountId)
      .orderBy("email")
      .execute();
    return rows.map(({ password_hash, ...r }) => ({ ...r, hasPassword: Boolean(password_hash) }));
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
