import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Storage type of each logical column type this migration uses, as it was when the migration
 * was released. Copied rather than imported from `dialect.ts`, so a later change there cannot
 * change the tables this migration creates.
 */
const STORAGE_TYPES: Record<DialectName, Record<"json", string>> = {
  sqlite: { json: "text" },
  postgres: { json: "text" },
};

/**
 * `pending_blob_deletions.held_by`: the export runs (id, attempt, worker) that were running when
 * a queued file was first looked at after its delete committed. The file is erased once none of
 * them is still on that attempt, so an export whose snapshot predates the delete can still read
 * it (docs/EXPORTS.md, "Deleted files and running exports"). Null until first looked at.
 */
export function addErasureHolds(dialect: DialectName) {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that no longer matches DB
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable("pending_blob_deletions")
        .addColumn("held_by", sql.raw(STORAGE_TYPES[dialect].json))
        .execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: see above
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable("pending_blob_deletions").dropColumn("held_by").execute();
    },
  };
}
