/**
 * `Folder_Records.csv`: one row per list member, i.e. a record (person, company or job) kept in a
 * list or folder, with the list's details and the record's display name so the file reads on its
 * own. "Folder Record ID" is the membership's own id. Lists are few (loaded once); member names
 * are resolved per batch.
 */
import { STAMP_COLUMNS, selectRows } from "./data-table.js";
import { loadUserNames, lookup } from "./lookups.js";
import { loadRecordNames, recordName } from "./record-names.js";

const members = selectRows("list_members", [
  ...([
    "list_id",
    "entity_type",
    "entity_id",
    "added_by_id",
    "added_at",
    "created_at",
    "updated_at",
  ] as const),
]);

/** `Folder_Records.csv` of the Data Files zip. */
export const folderRecordsTable = members.asCsv({
  file: "Folder_Records.csv",
  rowsOf: "list_members",
  description:
    "Records kept in lists and folders: the folder, the record (type, id, name) and when it was added.",
  once: async ({ db, accountId }) => ({
    users: await loadUserNames(db, accountId),
    lists: new Map(
      (
        await db
          .selectFrom("lists")
          .select(["id", "name", "kind", "parent_id", "owner_id"])
          .where("account_id", "=", accountId)
          .execute()
      ).map((l) => [l.id, l]),
    ),
  }),
  batch: async ({ db, accountId }, batch) => ({
    names: await loadRecordNames(
      db,
      accountId,
      batch.map((m) => ({ type: m.entity_type, id: m.entity_id })),
    ),
  }),
  columns: [
    { header: "Folder Record ID", cell: (m) => m.id },
    { header: "Folder ID", cell: (m) => m.list_id },
    { header: "Folder Name", cell: (m, lk) => lk.lists.get(m.list_id)?.name },
    { header: "Folder Type", cell: (m, lk) => lk.lists.get(m.list_id)?.kind },
    { header: "Parent Folder ID", cell: (m, lk) => lk.lists.get(m.list_id)?.parent_id ?? null },
    {
      header: "Parent Folder Name",
      cell: (m, lk) => lookup(lk.lists, lk.lists.get(m.list_id)?.parent_id ?? null)?.name,
    },
    { header: "Folder Owner ID", cell: (m, lk) => lk.lists.get(m.list_id)?.owner_id },
    { header: "Folder Owner", cell: (m, lk) => lookup(lk.users, lk.lists.get(m.list_id)?.owner_id ?? null) },
    { header: "Record Type", cell: (m) => m.entity_type },
    { header: "Record ID", cell: (m) => m.entity_id },
    {
      header: "Record Name",
      cell: (m, lk) => recordName(lk.names, { type: m.entity_type, id: m.entity_id }),
    },
    { header: "Added By ID", cell: (m) => m.added_by_id },
    { header: "Added By", cell: (m, lk) => lookup(lk.users, m.added_by_id) },
    { header: "Added At", cell: (m) => m.added_at },
    ...STAMP_COLUMNS,
  ],
});
