import crypto from "node:crypto";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema/index.js";
import { ROLES } from "../db/schema/index.js";
import { type Clock, systemClock } from "../domain/clock.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../domain/errors.js";
import { isUuid, uuidv7 } from "../domain/ids.js";
import { hasRole, type Role } from "../domain/roles.js";
import { ApiTokenRepository } from "../repositories/api-token.repository.js";
import { recordAudit } from "../repositories/audit-log.repository.js";
import type { WriteContext } from "./write-context.js";

/** Every token starts with this, so secret scanners (and people) recognise a leaked one. */
export const TOKEN_PREFIX = "hv_";
/** Characters of the token kept in clear (`token_prefix`) to tell tokens apart in lists. */
const SHOWN_CHARS = 10;
/** `last_used_at` is written at most this often per token, so reads do not turn into writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** An API token row as it may be shown: everything but the hash. */
export interface ApiTokenRow {
  id: string;
  account_id: string;
  user_id: string | null;
  name: string;
  role: Role;
  token_prefix: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
  updated_at: string;
}

/** What a valid token grants. */
export interface TokenAuth {
  accountId: string;
  tokenId: string;
  /** The token's role, lowered to its user's current role when the token belongs to a user. */
  role: Role;
  userId: string | null;
}

export interface CreateTokenInput {
  name: string;
  role: Role;
  userId?: string | null | undefined;
  /** ISO 8601 date-time in the future; omitted means no expiry. */
  expiresAt?: string | null | undefined;
}

/** Where a token stands: usable, revoked, or past its expiry. */
export type TokenState = "active" | "revoked" | "expired";

/** A token as listed in Settings: its row (without the hash), its user's name, its state. */
export interface ListedToken {
  id: string;
  name: string;
  role: Role;
  token_prefix: string;
  user_name: string | null;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  state: TokenState;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whether a token with this expiry has expired at `now` (the expiry instant itself is past). */
function isExpired(expiresAt: string | null, now: Date): boolean {
  return expiresAt !== null && Date.parse(expiresAt) <= now.getTime();
}

/** SHA-256 hex of a token: what is stored and looked up. */
export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * Bearer API tokens scoped to one account (docs/API.md). A token is `hv_` + 32 random bytes in
 * base64url, shown once; only its SHA-256 is stored. 256 random bits cannot be guessed or
 * brute-forced offline, so a fast hash is enough (GitHub and Stripe do the same); a slow
 * password hash would only make every API request slower.
 */
export class ApiTokenService {
  private readonly tokens: ApiTokenRepository;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock = systemClock,
  ) {
    this.tokens = new ApiTokenRepository(db);
  }

  /**
   * Creates a token and returns it in clear, the only time it is ever available.
   * `audit` records who did it (the CLI passes none and logs the action itself).
   */
  async create(
    accountId: string,
    input: CreateTokenInput,
    audit?: WriteContext,
  ): Promise<{ token: string; row: ApiTokenRow }> {
    const name = typeof input.name === "string" ? input.name.trim() : "";
    if (!name || name.length > 200) throw ValidationError.field("name", "must be 1 to 200 characters");
    if (!(ROLES as readonly string[]).includes(input.role)) {
      throw ValidationError.field("role", `must be one of: ${ROLES.join(", ")}`);
    }
    const now = this.clock.now();
    const expiresAt = this.checkExpiry(input.expiresAt, now);
    const userId = input.userId ?? null;
    if (userId !== null) await this.checkUser(accountId, userId, audit?.actor.role);
    const token = TOKEN_PREFIX + crypto.randomBytes(32).toString("base64url");
    const at = now.toISOString();
    const row: ApiTokenRow = {
      id: uuidv7(now.getTime()),
      account_id: accountId,
      user_id: userId,
      name,
      role: input.role,
      token_prefix: token.slice(0, SHOWN_CHARS),
      last_used_at: null,
      expires_at: expiresAt,
      revoked_at: null,
      created_at: at,
      updated_at: at,
    };
    await this.db.transaction().execute(async (trx) => {
      await this.tokens.withTransaction(trx).insert({ ...row, token_hash: hashToken(token) });
      if (audit) {
        await recordAudit(
          trx,
          audit,
          {
            action: "api_token.created",
            entityType: "api_token",
            entityId: row.id,
            changes: { name, role: row.role, user_id: userId, expires_at: expiresAt },
          },
          at,
        );
      }
    });
    return { token, row };
  }

  /**
   * Resolves a presented token, or `null` when it is unknown, revoked or expired, its user is
   * disabled, or its account is not active (still being imported, or being removed). Every input costs the same: one hash and one indexed lookup, whatever its shape,
   * so response times do not tell a malformed token from a revoked one.
   */
  async verify(token: string): Promise<TokenAuth | null> {
    const hash = hashToken(typeof token === "string" ? token : "");
    const found = await this.tokens.findByHash(hash);
    if (!found || found.revoked_at !== null) return null;
    const now = this.clock.now();
    if (isExpired(found.expires_at, now)) return null;
    let role = found.role as Role;
    if (found.user_id !== null) {
      // A token never outlives or outranks the person it was issued to.
      if (!found.user_role || found.user_status === "disabled") return null;
      const userRole = found.user_role as Role;
      if (!hasRole(userRole, role)) role = userRole;
    }
    await this.touch(found.id, found.last_used_at, now);
    return { accountId: found.account_id, tokenId: found.id, role, userId: found.user_id };
  }

  /** The account's tokens, newest first, each with its state now. */
  async list(accountId: string): Promise<ListedToken[]> {
    const rows = await this.tokens.listWithUserNames(accountId);
    const now = this.clock.now();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role as Role,
      token_prefix: r.token_prefix,
      user_name: r.user_name ?? null,
      created_at: r.created_at,
      last_used_at: r.last_used_at,
      expires_at: r.expires_at,
      state: r.revoked_at ? "revoked" : isExpired(r.expires_at, now) ? "expired" : "active",
    }));
  }

  /** The expiry of a token created now that lasts `days` days; `null` (never) for `null`. */
  expiryAfterDays(days: number | null): string | null {
    return days === null ? null : new Date(this.clock.now().getTime() + days * DAY_MS).toISOString();
  }

  /** The token row (without its hash). @throws {NotFoundError} when not in this account. */
  async get(accountId: string, id: string): Promise<ApiTokenRow> {
    if (!isUuid(id)) throw new NotFoundError("api_token", id);
    const row = await this.tokens.get(accountId, id);
    if (!row) throw new NotFoundError("api_token", id);
    return row as ApiTokenRow;
  }

  /**
   * Revokes a token of the account; revoking twice is a no-op.
   * @throws {NotFoundError} for an unknown id or one of another account (no existence leak).
   */
  async revoke(accountId: string, id: string, audit?: WriteContext): Promise<void> {
    const row = await this.get(accountId, id);
    if (row.revoked_at !== null) return;
    const at = this.clock.now().toISOString();
    await this.db.transaction().execute(async (trx) => {
      // Only a token not yet revoked: of concurrent revokes, one changes the row and is audited.
      const revoked = await this.tokens.withTransaction(trx).revoke(accountId, id, at);
      if (revoked && audit) {
        await recordAudit(
          trx,
          audit,
          { action: "api_token.revoked", entityType: "api_token", entityId: id },
          at,
        );
      }
    });
  }

  private checkExpiry(raw: string | null | undefined, now: Date): string | null {
    if (raw === undefined || raw === null) return null;
    const ms = typeof raw === "string" ? Date.parse(raw) : Number.NaN;
    if (Number.isNaN(ms)) throw ValidationError.field("expires_at", "must be an ISO 8601 date-time");
    if (ms <= now.getTime()) throw ValidationError.field("expires_at", "must be in the future");
    return new Date(ms).toISOString();
  }

  /**
   * A token acts for its user: what it does is recorded as that person's doing. So it may only be
   * bound to an active team member (an invited one has not joined, a disabled one has left) whose
   * role the creator may act as — not above the creator's own, or an admin could act, on the
   * record, as the owner. `creatorRole` is absent for system callers (CLI, seed).
   */
  private async checkUser(accountId: string, userId: string, creatorRole?: Role): Promise<void> {
    const user = isUuid(userId) ? await this.tokens.findUser(accountId, userId) : undefined;
    if (!user) throw ValidationError.field("user_id", "no user with this id in this account");
    if (user.status !== "active") {
      throw ValidationError.field("user_id", `is ${user.status}: a token can act only for an active user`);
    }
    if (creatorRole && !hasRole(creatorRole, user.role as Role)) {
      throw new ForbiddenError(
        `A ${creatorRole} cannot create a token that acts for a user with the ${user.role} role.`,
        "user_id",
      );
    }
  }

  /**
   * Records use at most once a minute. `updated_at` is left alone on purpose: it drives
   * `updated_since` sync, and a token being used is not a change of the token.
   */
  private async touch(id: string, lastUsedAt: string | null, now: Date): Promise<void> {
    if (lastUsedAt !== null && now.getTime() - Date.parse(lastUsedAt) < LAST_USED_RESOLUTION_MS) return;
    const cutoff = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
    await this.tokens
      .touch(id, now.toISOString(), cutoff)
      // Bookkeeping only: a busy database must not turn a valid request into an error.
      .catch(() => undefined);
  }
}
