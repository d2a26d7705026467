/**
 * `Tasks.csv`: one row per task, with its assignee and creator, and the record it is about (type,
 * id and display name, resolved per batch).
 */
import type { CsvTable } from "./csv-table.js";
import { keysetRows } from "./keyset.js";
import { loadUserNames, lookup } from "./lookups.js";
import { loadRecordNames, recordName } from "./record-names.js";

const HEADER = [
  "Task ID",
  "Title",
  "Description",
  "Status",
  "Due At",
  "Completed At",
  "Assigned To ID",
  "Assigned To",
  "Created By ID",
  "Created By",
  "Related Type",
  "Related ID",
  "Related Name",
  "Created At",
  "Updated At",
];

/** `Tasks.csv` of the Data Files zip. */
export const tasksTable: CsvTable = {
  file: "Tasks.csv",
  rowsOf: "tasks",
  description:
    "Tasks: title, description, status, due and completion times, assignee, creator and related record.",
  async open(source) {
    const { db, accountId } = source;
    const users = await loadUserNames(db, accountId);
    const rows = keysetRows(
      source,
      (after, limit) =>
        db
          .selectFrom("tasks")
          .select(["id", "title", "description", "status", "due_at", "completed_at", "assignee_id"])
          .select(["created_by_id", "related_type", "related_id", "created_at", "updated_at"])
          .where("account_id", "=", accountId)
          .where("id", ">", after)
          .orderBy("id")
          .limit(limit)
          .execute(),
      async (batch) => {
        const refs = batch.map((t) => ({ type: t.related_type, id: t.related_id }));
        const names = await loadRecordNames(db, accountId, refs);
        return batch.map((t, i) => [
          ...[t.id, t.title, t.description, t.status, t.due_at, t.completed_at],
          ...[t.assignee_id, lookup(users, t.assignee_id), t.created_by_id, lookup(users, t.created_by_id)],
          ...[t.related_type, t.related_id, recordName(names, refs[i]!), t.created_at, t.updated_at],
        ]);
      },
    );
    return { header: [...HEADER], rows };
  },
};
