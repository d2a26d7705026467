import crypto from "node:crypto";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema/index.js";
import { type Clock, systemClock } from "../domain/clock.js";
import { uuidv7 } from "../domain/ids.js";
import type { Role } from "../domain/roles.js";
import { recordAudit } from "../repositories/audit-log.repository.js";
import { WebSessionRepository } from "../repositories/web-session.repository.js";
import { hashToken } from "./api-token.service.js";
import { MAX_PASSWORD_LENGTH, verifyPassword } from "./password-hash.js";
import type { WriteContext } from "./write-context.js";

/**
 * Session lifetimes (OWASP Session Management Cheat Sheet: idle and absolute timeouts). An admin
 * console that hands out every record of an account signs out after 2 hours without a request,
 * and after 12 hours whatever happens: a working day, then sign in again.
 */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** `last_seen_at` is written at most this often per session, so page views do not all write. */
const TOUCH_RESOLUTION_MS = 60_000;

/** Who a valid session cookie signs in: the user as they are now (role and status re-read). */
export interface WebSession {
  sessionId: string;
  accountId: string;
  accountName: string;
  timeZone: string;
  userId: string;
  userName: string;
  userEmail: string;
  role: Role;
  /** The session's synchronizer token, embedded in every form (OWASP CSRF Prevention). */
  csrfToken: string;
  expiresAt: Date;
}

export interface SignInInput {
  account: string;
  email: string;
  password: string;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/** Thrown for every refused sign-in, with one message whatever the reason (no user enumeration). */
export class SignInError extends Error {
  override name = "SignInError";
  constructor() {
    super("The account, email or password is not right.");
  }
}

/**
 * Sign-in sessions of the web pages. The cookie holds `hvs_` + 32 random bytes; the database
 * holds its SHA-256 only (the token has 256 bits, so a fast hash suffices, as for API tokens).
 * Passwords are checked with scrypt (`password-hash.ts`). Every sign-in, refused sign-in of a
 * known user, and sign-out is written to the account's audit log (never the password or token).
 */
export class WebSessionService {
  private readonly sessions: WebSessionRepository;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock = systemClock,
  ) {
    this.sessions = new WebSessionRepository(db);
  }

  /** Checks the credentials and opens a session; the token is returned once, for the cookie. */
  async signIn(input: SignInInput): Promise<{ token: string; session: WebSession }> {
    const account = typeof input.account === "string" ? input.account.trim() : "";
    const email = typeof input.email === "string" ? input.email.trim().toLowerCase() : "";
    const password = typeof input.password === "string" ? input.password : "";
    const user =
      account && email && email.length <= 320 && account.length <= 200
        ? await this.sessions.findSignInUser(account, email)
        : undefined;
    // Always one scrypt run, also for unknown users, so timing does not reveal who exists.
    const matches = await verifyPassword(password.slice(0, MAX_PASSWORD_LENGTH + 1), user?.password_hash);
    const now = this.clock.now();
    const at = now.toISOString();
    if (!user || !matches || user.status !== "active" || password.length > MAX_PASSWORD_LENGTH) {
      if (user) {
        const reason = !user.password_hash
          ? "no password set"
          : !matches
            ? "wrong password"
            : `user ${user.status}`;
        await recordAudit(
          this.db,
          this.ctxOf(user.account_id, user.id, user.role as Role, input.ip),
          {
            action: "user.sign_in_failed",
            entityType: "user",
            entityId: user.id,
            changes: { reason },
          },
          at,
        );
      }
      throw new SignInError();
    }
    const token = `hvs_${crypto.randomBytes(32).toString("base64url")}`;
    const id = uuidv7(now.getTime());
    await this.db.transaction().execute(async (trx) => {
      await this.sessions.withTransaction(trx).open(
        {
          id,
          account_id: user.account_id,
          user_id: user.id,
          token_hash: hashToken(token),
          csrf_token: crypto.randomBytes(32).toString("base64url"),
          ip: input.ip ?? null,
          user_agent: input.userAgent?.slice(0, 300) ?? null,
          last_seen_at: at,
          expires_at: new Date(now.getTime() + SESSION_ABSOLUTE_MS).toISOString(),
          created_at: at,
          updated_at: at,
        },
        at,
      );
      await recordAudit(
        trx,
        this.ctxOf(user.account_id, user.id, user.role as Role, input.ip),
        {
          action: "user.signed_in",
          entityType: "user",
          entityId: user.id,
        },
        at,
      );
    });
    const session = await this.resolve(token);
    if (!session) throw new SignInError();
    return { token, session };
  }

  /**
   * The session a cookie token opens, or `null` when it is unknown, idle too long, past its
   * absolute expiry, its user is no longer active, or its account is not active (an account still
   * being imported, or being removed, signs nobody in). Expired sessions are deleted on sight.
   */
  async resolve(token: unknown): Promise<WebSession | null> {
    if (typeof token !== "string" || token.length > 100) return null;
    const row = await this.sessions.findByTokenHash(hashToken(token));
    if (!row) return null;
    const now = this.clock.now().getTime();
    const lastSeen = Date.parse(row.last_seen_at);
    const absolute = Date.parse(row.expires_at);
    if (now >= absolute || now - lastSeen >= SESSION_IDLE_MS || row.status !== "active") {
      await this.sessions.delete(row.id);
      return null;
    }
    if (now - lastSeen >= TOUCH_RESOLUTION_MS) {
      const at = new Date(now).toISOString();
      await this.sessions.touch(row.id, at);
    }
    return {
      sessionId: row.id,
      accountId: row.account_id,
      accountName: row.account_name,
      timeZone: row.time_zone,
      userId: row.user_id,
      userName: row.user_name,
      userEmail: row.user_email,
      role: row.role as Role,
      csrfToken: row.csrf_token,
      expiresAt: new Date(Math.min(absolute, now + SESSION_IDLE_MS)),
    };
  }

  /** Ends a session (sign out); audited. */
  async signOut(session: WebSession, ip?: string): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await this.sessions.withTransaction(trx).delete(session.sessionId);
      await recordAudit(
        trx,
        this.ctxOf(session.accountId, session.userId, session.role, ip),
        {
          action: "user.signed_out",
          entityType: "user",
          entityId: session.userId,
        },
        at,
      );
    });
  }

  /** Deletes sessions past their absolute expiry or idle too long (the worker's sweep). */
  async deleteExpired(): Promise<number> {
    const now = this.clock.now().getTime();
    return this.sessions.deleteExpired(
      new Date(now).toISOString(),
      new Date(now - SESSION_IDLE_MS).toISOString(),
    );
  }

  private ctxOf(accountId: string, userId: string, role: Role, ip: string | undefined): WriteContext {
    return { accountId, actor: { type: "user", id: userId, role }, ip };
  }
}
