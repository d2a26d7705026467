import type { Insertable, Kysely } from "kysely";
import type { DB } from "../db/schema/index.js";
import { ACTIVE } from "./account.repository.js";

/** The columns of a token that may be read back: everything but the hash. */
const SHOWN_COLUMNS = [
  "id",
  "account_id",
  "user_id",
  "name",
  "role",
  "token_prefix",
  "last_used_at",
  "expires_at",
  "revoked_at",
  "created_at",
  "updated_at",
] as const;

/** A new token row, with the SHA-256 of the token (never the token). */
export type NewApiToken = Insertable<DB["api_tokens"]>;

/** API tokens of an account. The hash column is written, looked up by, and never selected. */
export class ApiTokenRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The same repository inside the caller's transaction. */
  withTransaction(trx: Kysely<DB>): ApiTokenRepository {
    return new ApiTokenRepository(trx);
  }

  async insert(row: NewApiToken): Promise<void> {
    await this.db.insertInto("api_tokens").values(row).execute();
  }

  /**
   * The token with this hash, if its account is active, with its user's role and status (the
   * user may be gone or be of another account: then both are null).
   */
  async findByHash(hash: string) {
    return this.db
      .selectFrom("api_tokens as t")
      .innerJoin("accounts as a", "a.id", "t.account_id")
      .leftJoin("users as u", (j) =>
        j.onRef("u.id", "=", "t.user_id").onRef("u.account_id", "=", "t.account_id"),
      )
      .select([
        "t.id",
        "t.account_id",
        "t.role",
        "t.user_id",
        "t.expires_at",
        "t.revoked_at",
        "t.last_used_at",
        "u.role as user_role",
        "u.status as user_status",
      ])
      .where("t.token_hash", "=", hash)
      .where("a.status", "=", ACTIVE)
      .executeTakeFirst();
  }

  /** The token of this account with this id, without its hash. */
  async get(accountId: string, id: string) {
    return this.db
      .selectFrom("api_tokens")
      .select(SHOWN_COLUMNS)
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .executeTakeFirst();
  }

  /** The account's tokens, newest first, with the name of the user each acts for. */
  async listWithUserNames(accountId: string) {
    return this.db
      .selectFrom("api_tokens as t")
      .leftJoin("users as u", (j) =>
        j.onRef("u.id", "=", "t.user_id").onRef("u.account_id", "=", "t.account_id"),
      )
      .select([
        "t.id",
        "t.name",
        "t.role",
        "t.token_prefix",
        "t.created_at",
        "t.last_used_at",
        "t.expires_at",
        "t.revoked_at",
        "u.name as user_name",
      ])
      .where("t.account_id", "=", accountId)
      .orderBy("t.created_at", "desc")
      .orderBy("t.id", "desc")
      .execute();
  }

  /** A user of the account a token may be bound to: its role and status. */
  async findUser(accountId: string, userId: string) {
    return this.db
      .selectFrom("users")
      .select(["id", "role", "status"])
      .where("account_id", "=", accountId)
      .where("id", "=", userId)
      .executeTakeFirst();
  }

  /**
   * Revokes the token unless it already is; `true` when this call revoked it (of concurrent
   * revokes, exactly one).
   */
  async revoke(accountId: string, id: string, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable("api_tokens")
      .set({ revoked_at: at, updated_at: at })
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Sets `last_used_at` to `now` unless it is already at or after `cutoff`. */
  async touch(id: string, now: string, cutoff: string): Promise<void> {
    await this.db
      .updateTable("api_tokens")
      .set({ last_used_at: now })
      .where("id", "=", id)
      .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", cutoff)]))
      .execute();
  }
}
