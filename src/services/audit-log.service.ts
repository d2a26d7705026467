import type { Kysely } from "kysely";
import type { DB } from "../db/schema/index.js";
import { listAuditEntries } from "../repositories/audit-log.repository.js";

/** An audit entry as the audit view shows it: joined names, the raw `changes` JSON text. */
export interface AuditViewEntry {
  id: string;
  at: string;
  action: string;
  actorType: string;
  userName: string | null;
  tokenName: string | null;
  /** The name of the token the entry is about (`api_token.*`), if it still exists. */
  subjectTokenName: string | null;
  /** The user the entry is about, when not the actor (e.g. a password set by the system). */
  subjectUserName: string | null;
  changes: string | null;
  ip: string | null;
}

/** Reading an account's audit log for Settings › Audit log. */
export class AuditLogService {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * The account's entries whose action starts with one of `prefixes`, newest first, older than
   * the entry `beforeId` when given, at most `limit`.
   */
  async list(
    accountId: string,
    opts: { prefixes: readonly string[]; beforeId: string | null; limit: number },
  ): Promise<AuditViewEntry[]> {
    const rows = await listAuditEntries(this.db, accountId, opts);
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      action: r.action,
      actorType: r.actor_type,
      userName: r.user_name ?? null,
      tokenName: r.token_name ?? null,
      subjectTokenName: r.subject_token_name ?? null,
      // Whose password or sign-in, when someone else (the system, an admin) acted on that user.
      subjectUserName: r.entity_id !== r.actor_id ? (r.subject_user_name ?? null) : null,
      changes: r.changes,
      ip: r.ip,
    }));
  }
}
