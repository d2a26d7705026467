import type { Kysely } from "kysely";
import type { DB, Row } from "../db/schema/index.js";
import { type Clock, systemClock } from "../domain/clock.js";
import { ValidationError } from "../domain/errors.js";
import { isUuid } from "../domain/ids.js";
import { canExport, type Role } from "../domain/roles.js";
import { AccountRepository } from "../repositories/account.repository.js";
import { recordAudit } from "../repositories/audit-log.repository.js";
import { ExportRunRepository } from "../repositories/export-run.repository.js";
import { UserRepository } from "../repositories/user.repository.js";
import { decodeToken, deriveKey, encodeToken, type LinkClaims } from "./download-token.js";
import type { WriteContext } from "./write-context.js";

/**
 * Longest lifetime of a link, like an S3 SigV4 presigned URL (604,800 s;
 * docs/EXPORTS.md#links-and-downloads).
 */
export const MAX_LINK_LIFETIME_SECONDS = 7 * 24 * 60 * 60;

export type { LinkClaims } from "./download-token.js";

/** Input of {@link DownloadLinkService.mint}; the caller has checked that the user may export. */
export interface MintLinkInput {
  accountId: string;
  exportRunId: string;
  artifactId: string;
  userId: string;
  expiresAt: Date;
}

/** A minted link. `expiresAt` is the signed expiry (whole seconds, never later than asked). */
export interface MintedLink {
  token: string;
  url: string;
  expiresAt: Date;
}

/** A link that passed every check, with the rows it grants (the storage key comes from the DB). */
export interface ResolvedDownload {
  claims: LinkClaims;
  run: Row<"export_runs">;
  artifact: Row<"export_artifacts">;
  user: { id: string; role: Role };
}

/** Why a link was refused. Only `invalid` (bad signature) cannot be attributed to an account. */
export type DenialReason =
  | "invalid"
  | "not_found"
  | "expired"
  | "revoked"
  | "not_ready"
  | "user_inactive"
  | "role";

const STATUS_OF: Record<DenialReason, 403 | 404 | 410> = {
  invalid: 404,
  not_found: 404,
  not_ready: 404,
  expired: 410,
  revoked: 410,
  user_inactive: 403,
  role: 403,
};

/**
 * A refused download link: 404 (forged, altered, unknown, not ready), 410 Gone (expired or
 * revoked) or 403 (the user may no longer export). `claims` is set when the signature was valid,
 * so the denial can be audited against the account; it never holds the token.
 * (Defined here rather than as a `GoneError` in `domain/errors.ts`; the route maps it.)
 */
export class DownloadDeniedError extends Error {
  override name = "DownloadDeniedError";
  readonly status: 403 | 404 | 410;
  constructor(
    readonly reason: DenialReason,
    readonly claims?: LinkClaims,
  ) {
    super(`download link refused: ${reason}`);
    this.status = STATUS_OF[reason];
  }
}

/** What a finished or aborted download sent, for its audit entry. */
export interface DownloadOutcome {
  ip?: string | undefined;
  range: string | null;
  status: number;
  plannedBytes: number;
  bytesSent: number;
  completed: boolean;
}

/** A GET answered with a redirect to a presigned storage URL, for its audit entry. */
export interface RedirectOutcome {
  ip?: string | undefined;
  range: string | null;
  /** Lifetime of the presigned URL the client was sent to. */
  expiresInSeconds: number;
}

/** Dependencies of {@link DownloadLinkService}. */
export interface DownloadLinkServiceDeps {
  db: Kysely<DB>;
  /** The link-signing secret (`Runtime.secret`); only a key derived from it signs. */
  secret: Buffer;
  clock?: Clock;
  /** Origin of absolute links, e.g. `https://hr.example.com` (`PUBLIC_URL`); else path-only URLs. */
  publicUrl?: string | undefined;
}

/**
 * Signed, expiring, revocable download links for export artifacts
 * (docs/EXPORTS.md#links-and-downloads).
 *
 * The token is encoded and checked by `download-token.ts` (no clock, no database). A link is a bearer credential until it expires, but every use re-checks the database: revoked
 * or expired runs answer 410, a user who lost the owner/admin role 403
 * (docs/EXPORTS.md#links-and-downloads), and the storage key is looked up by (account, run,
 * artifact), never taken from the URL (docs/EXPORTS.md#links-and-downloads).
 */
export class DownloadLinkService {
  private readonly db: Kysely<DB>;
  private readonly accounts: AccountRepository;
  private readonly runs: ExportRunRepository;
  private readonly users: UserRepository;
  private readonly clock: Clock;
  private readonly key: Buffer;
  private readonly publicUrl: string;

  constructor(deps: DownloadLinkServiceDeps) {
    if (deps.secret.length === 0) throw new Error("the link-signing secret is empty");
    this.db = deps.db;
    this.accounts = new AccountRepository(deps.db);
    this.runs = new ExportRunRepository(deps.db);
    this.users = new UserRepository(deps.db);
    this.clock = deps.clock ?? systemClock;
    this.key = deriveKey(deps.secret);
    this.publicUrl = (deps.publicUrl ?? "").replace(/\/+$/, "");
  }

  /**
   * Signs a link. @throws {ValidationError} when `expiresAt` is not in the future or is more than
   * 7 days away (docs/EXPORTS.md#links-and-downloads), or when an id is not a UUID.
   */
  mint(input: MintLinkInput): MintedLink {
    const now = this.clock.now().getTime();
    const expMs = input.expiresAt.getTime();
    if (!Number.isFinite(expMs) || expMs <= now)
      throw ValidationError.field("expires_at", "must be in the future");
    if (expMs > now + MAX_LINK_LIFETIME_SECONDS * 1000)
      throw ValidationError.field(
        "expires_at",
        `must be at most ${MAX_LINK_LIFETIME_SECONDS} s (7 days) away`,
      );
    const ids = [input.accountId, input.exportRunId, input.artifactId, input.userId];
    for (const id of ids) if (!isUuid(id)) throw ValidationError.field("id", "must be a lower-case UUID");
    const exp = Math.floor(expMs / 1000);
    const { accountId, exportRunId, artifactId, userId } = input;
    const token = encodeToken(this.key, {
      accountId,
      exportRunId,
      artifactId,
      userId,
      expiresAtSeconds: exp,
    });
    return { token, url: `${this.publicUrl}/downloads/${token}`, expiresAt: new Date(exp * 1000) };
  }

  /**
   * Checks a token's form and signature only (no database, no expiry): the claims, or `null` for
   * anything forged, altered, truncated or malformed. Never throws, whatever the input.
   */
  verify(token: unknown): LinkClaims | null {
    return decodeToken(this.key, token);
  }

  /**
   * Resolves a token to what it may download, re-checking everything in the database.
   * Order: signature (404) → account active (404) → run of the token's account (404) → link
   * expiry, run revoked or expired (410) → user still active owner/admin (403) → run succeeded
   * (404) → artifact of (account, run, artifact id) (404).
   * @throws {DownloadDeniedError}
   */
  async resolve(token: unknown): Promise<ResolvedDownload> {
    const claims = this.verify(token);
    if (!claims) throw new DownloadDeniedError("invalid");
    // An account being imported or removed is not there for anyone: the link is as good as forged
    // (404, and nothing is audited into that account).
    const account = await this.accounts.findById(claims.accountId);
    if (!account) throw new DownloadDeniedError("invalid");
    const run = await this.runs.get(claims.accountId, claims.exportRunId);
    if (!run) throw new DownloadDeniedError("not_found", claims);

    const now = this.clock.now().getTime();
    if (now > claims.expiresAt.getTime()) throw new DownloadDeniedError("expired", claims);
    if (run.revoked_at !== null) throw new DownloadDeniedError("revoked", claims);
    if (run.state === "expired" || (run.expires_at !== null && now > Date.parse(run.expires_at)))
      throw new DownloadDeniedError("expired", claims);

    const user = await this.users.find(claims.accountId, claims.userId);
    if (user?.status !== "active") throw new DownloadDeniedError("user_inactive", claims);
    const role = user.role as Role;
    if (!canExport(role)) throw new DownloadDeniedError("role", claims);

    if (run.state !== "succeeded") throw new DownloadDeniedError("not_ready", claims);
    const artifact = await this.runs.artifact(claims.accountId, run.id, claims.artifactId);
    if (!artifact) throw new DownloadDeniedError("not_found", claims);
    return { claims, run, artifact, user: { id: user.id, role } };
  }

  /** Audits a GET download (`export.downloaded`) as the link's user; never the token. */
  async recordDownload(resolved: ResolvedDownload, outcome: DownloadOutcome): Promise<void> {
    await this.auditDownload(resolved, outcome.ip, {
      range: outcome.range?.slice(0, 100) ?? null,
      status: outcome.status,
      bytes_planned: outcome.plannedBytes,
      bytes_sent: outcome.bytesSent,
      completed: outcome.completed,
    });
  }

  /**
   * Audits a GET sent on to storage by a presigned URL (`export.downloaded` with `via:
   * "redirect"`). The bytes then flow from S3, out of the app's sight, so the entry records the
   * grant and how long it lasts, not what was received; never the token or the URL.
   */
  async recordRedirect(resolved: ResolvedDownload, outcome: RedirectOutcome): Promise<void> {
    await this.auditDownload(resolved, outcome.ip, {
      range: outcome.range?.slice(0, 100) ?? null,
      status: 302,
      via: "redirect",
      expires_in: outcome.expiresInSeconds,
    });
  }

  private async auditDownload(
    resolved: ResolvedDownload,
    ip: string | undefined,
    details: Record<string, unknown>,
  ): Promise<void> {
    const ctx: WriteContext = {
      accountId: resolved.claims.accountId,
      actor: { type: "user", id: resolved.user.id, role: resolved.user.role },
      ip,
    };
    await recordAudit(
      this.db,
      ctx,
      {
        action: "export.downloaded",
        entityType: "export_run",
        entityId: resolved.run.id,
        changes: { artifact_id: resolved.artifact.id, part: resolved.artifact.part, ...details },
      },
      this.clock.now().toISOString(),
    );
  }

  /**
   * Audits a refused link whose signature was valid (`export.download_denied`, with the reason).
   * Forged tokens name no trustworthy account: nothing is written for them.
   */
  async recordDenial(err: DownloadDeniedError, request: { ip?: string; method: string }): Promise<void> {
    if (!err.claims) return;
    const ctx: WriteContext = {
      accountId: err.claims.accountId,
      actor: { type: "user", id: err.claims.userId, role: "viewer" },
      ip: request.ip,
    };
    await recordAudit(
      this.db,
      ctx,
      {
        action: "export.download_denied",
        entityType: "export_run",
        entityId: err.claims.exportRunId,
        changes: {
          artifact_id: err.claims.artifactId,
          reason: err.reason,
          status: err.status,
          method: request.method,
        },
      },
      this.clock.now().toISOString(),
    );
  }
}
