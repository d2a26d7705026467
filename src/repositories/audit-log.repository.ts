import { type Kysely, sql } from "kysely";
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
 * Appends to the account's audit log (docs/ARCHITECTURE.md#data-model meta,
 * docs/EXPORTS.md#audit-log). Written in the same transaction as the change it describes, so the
 * log never claims a change that rolled back.
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

/**
 * Entries of the account whose action starts with one of `prefixes`, newest first (UUIDv7: id
 * order is time order), older than `beforeId` when given, at most `limit`. Each comes with the
 * names of its actor (user or token) and of the token or user it is about, where they still exist.
 */
export async function listAuditEntries(
  db: Kysely<DB>,
  accountId: string,
  opts: { prefixes: readonly string[]; beforeId: string | null; limit: number },
) {
  let q = db
    .selectFrom("audit_log as l")
    .leftJoin("users as u", (j) =>
      j
        .onRef("u.id", "=", "l.actor_id")
        .onRef("u.account_id", "=", "l.account_id")
        .on("l.actor_type", "=", "user"),
    )
    .leftJoin("api_tokens as k", (j) =>
      j
        .onRef("k.id", "=", "l.actor_id")
        .onRef("k.account_id", "=", "l.account_id")
        .on("l.actor_type", "=", "api_token"),
    )
    .leftJoin("api_tokens as e", (j) =>
      j
        .onRef("e.id", "=", "l.entity_id")
        .onRef("e.account_id", "=", "l.account_id")
        .on("l.entity_type", "=", "api_token"),
    )
    .leftJoin("users as su", (j) =>
      j
        .onRef("su.id", "=", "l.entity_id")
        .onRef("su.account_id", "=", "l.account_id")
        .on("l.entity_type", "=", "user"),
    )
    .select([
      "l.id",
      "l.at",
      "l.action",
      "l.actor_type",
      "l.changes",
      "l.ip",
      "u.name as user_name",
      "k.name as token_name",
      "e.name as subject_token_name",
      "su.name as subject_user_name",
      "l.actor_id",
      "l.entity_id",
    ])
    .where("l.account_id", "=", accountId)
    // An exact prefix test (LIKE would read the `_` of `api_token.` as a wildcard).
    .where((eb) =>
      eb.or(
        opts.prefixes.map((p) =>
          eb(sql<string>`substr(${sql.ref("l.action")}, 1, ${sql.lit(p.length)})`, "=", p),
        ),
      ),
    );
  if (opts.beforeId !== null) q = q.where("l.id", "<", opts.beforeId);
  return q.orderBy("l.id", "desc").limit(opts.limit).execute();
}
