import type { Kysely } from "kysely";
import type { DB, TAGGABLE_ENTITIES } from "../../db/schema/index.js";
import { compareIds } from "../compare-ids.js";
import { ownRows } from "../own-rows.js";
import { push } from "./list-map.js";
import type { Span } from "./span.js";

/**
 * Tag names per record of one batch of a taggable table, sorted by code point (the same order on
 * both databases). Driven from the taggings' `(entity_type, entity_id)` index over the batch's id
 * range (see {@link Span}), then tags by primary key; the range also holds other accounts' ids,
 * whose rows {@link ownRows} drops.
 */
export async function loadTags(
  db: Kysely<DB>,
  accountId: string,
  entityType: (typeof TAGGABLE_ENTITIES)[number],
  span: Span,
): Promise<Map<string, string[]>> {
  const rows = await db
    .selectFrom("taggings as tg")
    .innerJoin("tags as t", "t.id", "tg.tag_id")
    .select(["tg.account_id", "t.account_id as tag_account_id", "tg.entity_id", "t.name"])
    .where("tg.entity_type", "=", entityType)
    .where("tg.entity_id", ">=", span.first)
    .where("tg.entity_id", "<=", span.last)
    .execute();
  const own = ownRows(rows, accountId).filter((r) => r.tag_account_id === accountId);
  own.sort((a, b) => compareIds(a.name, b.name));
  const tags = new Map<string, string[]>();
  for (const r of own) push(tags, r.entity_id, r.name);
  return tags;
}
