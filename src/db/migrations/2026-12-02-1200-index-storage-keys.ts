import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Indexes `storage_key` of `attachments` and `pending_blob_deletions`: the storage sweep asks,
 * 500 keys at a time, which files in storage a row names. Without an index each of those questions
 * reads every attachment row (of the account at best), so sweeping an account of a million
 * attachments would read a million rows two thousand times an hour. The key alone is indexed, not
 * `(account_id, storage_key)`: the sweep asks whether any row holds a key, whatever its account.
 */
export function indexStorageKeys(_dialect: DialectName) {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that no longer matches DB
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createIndex("attachments_storage_key_idx")
        .on("attachments")
        .columns(["storage_key"])
        .execute();
      await db.schema
        .createIndex("pending_blob_deletions_storage_key_idx")
        .on("pending_blob_deletions")
        .columns(["storage_key"])
        .execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: see above
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex("pending_blob_deletions_storage_key_idx").ifExists().execute();
      await db.schema.dropIndex("attachments_storage_key_idx").ifExists().execute();
    },
  };
}
