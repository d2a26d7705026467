/**
 * `Tasks.csv`: one row per task, with its assignee and creator, and the record it is about (type,
 * id and display name, resolved per batch).
 */
import { STAMP_COLUMNS, selectRows } from "./data-table.js";
import { loadUserNames, lookup } from "./lookups.js";
import { loadRecordNames, recordName } from "./record-names.js";

const tasks = selectRows("tasks", [
  ...(["title", "description", "status", "due_at", "completed_at", "assignee_id", "created_by_id"] as const),
  ...(["related_type", "related_id", "created_at", "updated_at"] as const),
]);

/** `Tasks.csv` of the Data Files zip. */
export const tasksTable = tasks.asCsv({
  file: "Tasks.csv",
  rowsOf: "tasks",
  description:
    "Tasks: title, description, status, due and completion times, assignee, creator and related record.",
  once: async ({ db, accountId }) => ({ users: await loadUserNames(db, accountId) }),
  batch: async ({ db, accountId }, batch) => ({
    names: await loadRecordNames(
      db,
      accountId,
      batch.map((t) => ({ type: t.related_type, id: t.related_id })),
    ),
  }),
  columns: [
    { header: "Task ID", cell: (t) => t.id },
    { header: "Title", cell: (t) => t.title },
    { header: "Description", cell: (t) => t.description },
    { header: "Status", cell: (t) => t.status },
    { header: "Due At", cell: (t) => t.due_at },
    { header: "Completed At", cell: (t) => t.completed_at },
    { header: "Assigned To ID", cell: (t) => t.assignee_id },
    { header: "Assigned To", cell: (t, lk) => lookup(lk.users, t.assignee_id) },
    { header: "Created By ID", cell: (t) => t.created_by_id },
    { header: "Created By", cell: (t, lk) => lookup(lk.users, t.created_by_id) },
    { header: "Related Type", cell: (t) => t.related_type },
    { header: "Related ID", cell: (t) => t.related_id },
    {
      header: "Related Name",
      cell: (t, lk) => recordName(lk.names, { type: t.related_type, id: t.related_id }),
    },
    ...STAMP_COLUMNS,
  ],
});
