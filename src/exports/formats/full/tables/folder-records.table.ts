/**
 * `Folder_Records.csv`: one row per list member, i.e. a record (person, company or job) kept in a
 * list or folder, with the list's details and the record's display name so the file reads on its
 * own. "Folder Record ID" is the membership's own id. Lists are few (loaded once); member names
 * are resolved per batch.
 */
import type { CsvTable } from "./csv-table.js";
import { keysetRows } from "./keyset.js";
import { loadUserNames, lookup } from "./lookups.js";
import { loadRecordNames, recordName } from "./record-names.js";

const HEADER = [
  "Folder Record ID",
  "Folder ID",
  "Folder Name",
  "Folder Type",
  "Parent Folder ID",
  "Parent Folder Name",
  "Folder Owner ID",
  "Folder Owner",
  "Record Type",
  "Record ID",
  "Record Name",
  "Added By ID",
  "Added By",
  "Added At",
  "Created At",
  "Updated At",
];

/** `Folder_Records.csv` of the Data Files zip. */
export const folderRecordsTable: CsvTable = {
  file: "Folder_Records.csv",
  rowsOf: "list_members",
  description:
    "Records kept in lists and folders: the folder, the record (type, id, name) and when it was added.",
  async open(source) {
    const { db, accountId } = source;
    const users = await loadUserNames(db, accountId);
    const lists = new Map(
      (
        await db
          .selectFrom("lists")
          .select(["id", "name", "kind", "parent_id", "owner_id"])
          .where("account_id", "=", accountId)
          .execute()
      ).map((l) => [l.id, l]),
    );
    const rows = keysetRows(
      source,
      (after, limit) =>
        db
          .selectFrom("list_members")
          .select(["id", "list_id", "entity_type", "entity_id", "added_by_id", "added_at"])
          .select(["created_at", "updated_at"])
          .where("account_id", "=", accountId)
          .where("id", ">", after)
          .orderBy("id")
          .limit(limit)
          .execute(),
      async (batch) => {
        const names = await loadRecordNames(
          db,
          accountId,
          batch.map((m) => ({ type: m.entity_type, id: m.entity_id })),
        );
        return batch.map((m) => {
          const list = lists.get(m.list_id);
          const parentId = list?.parent_id ?? null;
          return [
            ...[m.id, m.list_id, list?.name, list?.kind, parentId, lookup(lists, parentId)?.name],
            ...[list?.owner_id, lookup(users, list?.owner_id ?? null), m.entity_type, m.entity_id],
            ...[recordName(names, { type: m.entity_type, id: m.entity_id }), m.added_by_id],
            ...[lookup(users, m.added_by_id), m.added_at, m.created_at, m.updated_at],
          ];
        });
      },
    );
    return { header: [...HEADER], rows };
  },
};
