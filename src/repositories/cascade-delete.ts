import type { Kysely } from "kysely";
import type { DB, TableName } from "../db/schema/index.js";
import { TABLE_NAMES, tableSpec } from "../db/schema/index.js";
import { ConflictError } from "../domain/errors.js";
import { newId } from "../domain/ids.js";
import { chunks } from "./entity.repository.js";

// biome-ignore lint/suspicious/noExplicitAny: generic table names (see entity.repository.ts)
type AnyDb = Kysely<any>;

/** Tables the walker never deletes from or tombstones: history and housekeeping. */
const NOT_CASCADED = new Set<string>(["audit_log", "deletions", "pending_blob_deletions"]);
/**
 * Tables deleted along with their parent but without a tombstone: nobody syncs or restores them
 * (`/api/v1/deletions` and the import's erasure ledger are about recruiting data).
 */
const NO_TOMBSTONE = new Set<string>(["web_sessions"]);

interface Link {
  child: TableName;
  column: string;
  onDelete: "cascade" | "set null" | "restrict";
  /** For polymorphic links: the value of the type column that points at the parent table. */
  typeColumn?: string;
  typeValue?: string;
}

/** Every link pointing at each table: foreign keys and polymorphic references, from the catalog. */
const LINKS_TO: ReadonlyMap<string, Link[]> = (() => {
  const map = new Map<string, Link[]>();
  const add = (parent: string, link: Link) => map.set(parent, [...(map.get(parent) ?? []), link]);
  for (const child of TABLE_NAMES) {
    if (NOT_CASCADED.has(child)) continue;
    const spec = tableSpec(child);
    for (const [column, c] of Object.entries(spec.columns)) {
      if (c.references && c.references !== "accounts")
        add(c.references, { child, column, onDelete: c.onDelete ?? "restrict" });
    }
    if (spec.polymorphic) {
      const typeCol = spec.columns[spec.polymorphic.typeColumn];
      for (const parent of TABLE_NAMES) {
        const entity = tableSpec(parent).entity;
        if (entity && typeCol?.values?.includes(entity)) {
          add(parent, {
            child,
            column: spec.polymorphic.idColumn,
            onDelete: "cascade",
            typeColumn: spec.polymorphic.typeColumn,
            typeValue: entity,
          });
        }
      }
    }
  }
  return map;
})();

export interface CascadeResult {
  /** Deleted ids per table. */
  deleted: Map<TableName, Set<string>>;
  /** Storage keys of deleted attachments, queued in `pending_blob_deletions`. */
  blobKeys: string[];
}

/**
 * Deletes rows and everything that hangs off them, inside the caller's transaction:
 * 1. collects the closure of rows to delete (foreign keys with `cascade` and polymorphic links),
 * 2. refuses with ConflictError when a `restrict` link from a surviving row points into it,
 * 3. clears `set null` links from surviving rows,
 * 4. writes one tombstone per deleted row (entity, id, time: no personal data) and clears the
 *    field changes of audit entries about those rows (they may quote personal data),
 * 5. queues the files of deleted attachments for erasure (done after commit, retried by a sweep),
 * 6. deletes children before parents.
 */
export async function cascadeDelete(
  trx: Kysely<DB>,
  accountId: string,
  table: TableName,
  ids: readonly string[],
  now: string,
): Promise<CascadeResult> {
  const db = trx as unknown as AnyDb;
  const deleted = new Map<TableName, Set<string>>();
  const queue: [TableName, string[]][] = [[table, [...ids]]];
  const inSet = (t: TableName, id: string) => deleted.get(t)?.has(id) ?? false;

  while (queue.length) {
    const [t, batch] = queue.shift()!;
    const fresh = batch.filter((id) => !inSet(t, id));
    if (!fresh.length) continue;
    const set = deleted.get(t) ?? new Set<string>();
    for (const id of fresh) set.add(id);
    deleted.set(t, set);
    for (const link of LINKS_TO.get(t) ?? []) {
      if (link.onDelete !== "cascade") continue;
      const children = await selectLinked(db, accountId, link, fresh);
      if (children.length) queue.push([link.child, children.map((r) => r.id)]);
    }
  }

  for (const [t, set] of deleted) {
    const parentIds = [...set];
    for (const link of LINKS_TO.get(t) ?? []) {
      if (link.onDelete === "cascade") continue;
      const survivors = (await selectLinked(db, accountId, link, parentIds)).filter(
        (r) => !inSet(link.child, r.id),
      );
      if (!survivors.length) continue;
      if (link.onDelete === "restrict") {
        throw new ConflictError(
          `${tableSpec(t).entity} is still used by ${survivors.length} ${link.child} row(s) (${link.column}); move or delete them first`,
        );
      }
      for (const part of chunks(
        survivors.map((r) => r.id),
        500,
      )) {
        await db
          .updateTable(link.child)
          .set({ [link.column]: null, updated_at: now })
          .where("account_id", "=", accountId)
          .where("id", "in", part)
          .execute();
      }
    }
  }

  const blobKeys: string[] = [];
  const attachmentIds = [...(deleted.get("attachments") ?? [])];
  for (const part of chunks(attachmentIds, 500)) {
    const rows = await db.selectFrom("attachments").select("storage_key").where("id", "in", part).execute();
    for (const r of rows) blobKeys.push(r.storage_key as string);
  }
  for (const key of blobKeys) {
    await db
      .insertInto("pending_blob_deletions")
      .values({
        id: newId(),
        account_id: accountId,
        storage_key: key,
        attempts: 0,
        last_error: null,
        held_by: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }

  for (const t of [...TABLE_NAMES].reverse()) {
    const set = deleted.get(t);
    if (!set) continue;
    const entity = tableSpec(t).entity ?? t;
    for (const part of chunks([...set], 500)) {
      // Tombstones for the rows this statement really deleted: a row a concurrent transaction
      // deleted first (and tombstoned) is skipped, so no deletion is recorded twice.
      const gone = (await db
        .deleteFrom(t)
        .where("account_id", "=", accountId)
        .where("id", "in", part)
        .returning("id")
        .execute()) as { id: string }[];
      if (NO_TOMBSTONE.has(t) || gone.length === 0) continue;
      await db
        .insertInto("deletions")
        .values(
          gone.map(({ id }) => ({
            id: newId(),
            account_id: accountId,
            entity_type: entity,
            entity_id: id,
            deleted_at: now,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
      await db
        .updateTable("audit_log")
        .set({ changes: null, updated_at: now })
        .where("account_id", "=", accountId)
        .where("entity_id", "in", part)
        .where("changes", "is not", null)
        .execute();
    }
  }
  return { deleted, blobKeys };
}

async function selectLinked(
  db: AnyDb,
  accountId: string,
  link: Link,
  parentIds: string[],
): Promise<{ id: string }[]> {
  const out: { id: string }[] = [];
  for (const part of chunks(parentIds, 500)) {
    let qb = db
      .selectFrom(link.child)
      .select("id")
      .where("account_id", "=", accountId)
      .where(link.column, "in", part);
    if (link.typeColumn) qb = qb.where(link.typeColumn, "=", link.typeValue);
    out.push(...((await qb.execute()) as { id: string }[]));
  }
  return out;
}
