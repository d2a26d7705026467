/**
 * The erasure ledger (docs/EXPORTS.md#restoring-a-snapshot; GDPR Art. 17): a snapshot taken before
 * a candidate was erased still holds them, so restoring it must not bring them back. Tombstones
 * recorded after the snapshot's instant — by the source account when it lives in this deployment,
 * and from an exported ledger file (`GET /api/v1/deletions` pages, or a JSON array of tombstones)
 * when the source is elsewhere — are re-applied to the imported account with the same cascade a
 * delete runs, in the transaction that makes the account active. Tombstones hold entity words and
 * ids only, no personal data.
 */
import fs from "node:fs/promises";
import type { Kysely } from "kysely";
import { type DB, TABLE_NAMES, type TableName, tableSpec } from "../db/schema/index.js";
import { cascadeDelete } from "../repositories/cascade-delete.js";
import { chunks } from "../repositories/entity.repository.js";
import { importedId } from "./id-map.js";
import { ImportError } from "./import-error.js";

/** One deletion to re-apply, as recorded by the source (ids of the source account). */
export interface Erasure {
  entity_type: string;
  entity_id: string;
  deleted_at: string;
}

/** Tombstones of `sourceAccountId` recorded after `since` (none when the account is not here). */
export async function ledgerOfSource(
  db: Kysely<DB>,
  sourceAccountId: string,
  since: string,
): Promise<Erasure[]> {
  return db
    .selectFrom("deletions")
    .select(["entity_type", "entity_id", "deleted_at"])
    .where("account_id", "=", sourceAccountId)
    .where("deleted_at", ">", since)
    .orderBy("deleted_at")
    .execute();
}

/** Tombstones from a file: a JSON array, or the API's `{ "data": [...] }` page(s), after `since`. */
export async function ledgerFromFile(file: string, since: string): Promise<Erasure[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, "utf8"));
  } catch (err) {
    throw new ImportError(`erasure ledger ${file}: ${(err as Error).message}`);
  }
  const pages =
    Array.isArray(parsed) && parsed.every((p) => p && typeof p === "object" && "data" in p)
      ? parsed
      : [parsed];
  const items = pages.flatMap((p) => (Array.isArray(p) ? p : ((p as { data?: unknown[] })?.data ?? [])));
  const sinceMs = Date.parse(since);
  return items
    .map((item, i) => {
      const e = item as Partial<Erasure>;
      if (
        typeof e?.entity_type !== "string" ||
        typeof e.entity_id !== "string" ||
        typeof e.deleted_at !== "string"
      )
        throw new ImportError(`erasure ledger ${file}: item ${i} lacks entity_type, entity_id or deleted_at`);
      return e as Erasure;
    })
    .filter((e) => Date.parse(e.deleted_at) > sinceMs);
}

const TABLE_OF_ENTITY: ReadonlyMap<string, TableName> = new Map(
  TABLE_NAMES.flatMap((t) => {
    const entity = tableSpec(t).entity;
    return entity ? [[entity, t] as const] : [];
  }),
);

/**
 * Deletes, in the imported account, every row a tombstone names (mapped to its new id), with the
 * delete cascade; returns how many rows the ledger removed. Runs inside the import's switch to
 * active, so the account is never reachable with the erased rows in it.
 */
export async function reapplyErasures(
  trx: Kysely<DB>,
  accountId: string,
  erasures: readonly Erasure[],
  now: string,
): Promise<number> {
  const byTable = new Map<TableName, string[]>();
  for (const e of erasures) {
    const table = TABLE_OF_ENTITY.get(e.entity_type);
    if (!table || table === "deletions" || table === "audit_log") continue;
    byTable.set(table, [...(byTable.get(table) ?? []), importedId(accountId, e.entity_id)]);
  }
  let removed = 0;
  // Parents first: their cascade takes the children, whose own tombstones then find nothing.
  for (const table of TABLE_NAMES) {
    const ids = byTable.get(table);
    if (!ids) continue;
    for (const part of chunks(ids, 500)) {
      const present = await trx
        .selectFrom(table)
        .select("id")
        .where("account_id", "=", accountId)
        .where("id", "in", part)
        .execute();
      if (!present.length) continue;
      const result = await cascadeDelete(
        trx,
        accountId,
        table,
        present.map((r) => r.id as string),
        now,
      );
      for (const set of result.deleted.values()) removed += set.size;
    }
  }
  return removed;
}
