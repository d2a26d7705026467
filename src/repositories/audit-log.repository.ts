import type { Kysely } from "kysely";
import type { DB } from "../db/schema/index.js";
import { newId } from "../domain/ids.js";
import type { WriteContext } from "../services/write-context.js";

export interface AuditEntry {
  action: string;
  entityType?: string | null;
  entityId?: string | null;
  /** Field diff or summary. Never a token, password or link secret. */
  changes?: unknown;
}

/**
 * Appends to the account's audit log (SPEC §1 meta, RELIABILITY 4.6). Written in the same
 * transaction as the change it describes, so the log never claims a change that rolled back.
 */
export async function recordAudit(
  db: Kysely<DB>,
  ctx: WriteContext,
  entry: AuditEntry,
  at: string,
): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      id: newId(),
      account_id: ctx.accountId,
      actor_type: ctx.actor.type,
      actor_id: ctx.actor.id,
      action: entry.action,
      entity_type: entry.entityType ?? null,
      entity_id: entry.entityId ?? null,
      at,
      changes: entry.changes === undefined || entry.changes === null ? null : JSON.stringify(entry.changes),
      ip: ctx.ip ?? null,
      created_at: at,
      updated_at: at,
    })
    .execute();
}
