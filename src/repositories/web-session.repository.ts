import { type Insertable, type Kysely, sql } from "kysely";
import type { DB } from "../db/schema/index.js";
import { ACTIVE } from "./account.repository.js";

/** A new session row, with the SHA-256 of its cookie token (never the token). */
export type NewWebSession = Insertable<DB["web_sessions"]>;

/** Web sessions (signed-in team members) and the user lookups that open them. */
export class WebSessionRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The same repository inside the caller's transaction. */
  withTransaction(trx: Kysely<DB>): WebSessionRepository {
    return new WebSessionRepository(trx);
  }

  /** The user of an active account by account name and email (compared in lower case). */
  async findSignInUser(accountName: string, email: string) {
    return this.db
      .selectFrom("users as u")
      .innerJoin("accounts as a", "a.id", "u.account_id")
      .select(["u.id", "u.account_id", "u.role", "u.status", "u.password_hash"])
      .where("a.name", "=", accountName)
      .where("a.status", "=", ACTIVE)
      .where(sql<string>`lower(u.email)`, "=", email)
      .executeTakeFirst();
  }

  /** Opens a session and stamps the user's last sign-in. */
  async open(row: NewWebSession, at: string): Promise<void> {
    await this.db.insertInto("web_sessions").values(row).execute();
    await this.db.updateTable("users").set({ last_login_at: at }).where("id", "=", row.user_id).execute();
  }

  /** The session with this token hash, of an active account, with its user and account as now. */
  async findByTokenHash(hash: string) {
    return this.db
      .selectFrom("web_sessions as s")
      .innerJoin("users as u", (j) =>
        j.onRef("u.id", "=", "s.user_id").onRef("u.account_id", "=", "s.account_id"),
      )
      .innerJoin("accounts as a", "a.id", "s.account_id")
      .select([
        "s.id",
        "s.account_id",
        "s.user_id",
        "s.csrf_token",
        "s.last_seen_at",
        "s.expires_at",
        "u.name as user_name",
        "u.email as user_email",
        "u.role",
        "u.status",
        "a.name as account_name",
        "a.time_zone",
      ])
      .where("s.token_hash", "=", hash)
      .where("a.status", "=", ACTIVE)
      .executeTakeFirst();
  }

  async touch(id: string, at: string): Promise<void> {
    await this.db
      .updateTable("web_sessions")
      .set({ last_seen_at: at, updated_at: at })
      .where("id", "=", id)
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom("web_sessions").where("id", "=", id).execute();
  }

  /** Deletes sessions that expire at or before `expiredAt` or were last seen at or before `idleSince`. */
  async deleteExpired(expiredAt: string, idleSince: string): Promise<number> {
    const result = await this.db
      .deleteFrom("web_sessions")
      .where((eb) => eb.or([eb("expires_at", "<=", expiredAt), eb("last_seen_at", "<=", idleSince)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
