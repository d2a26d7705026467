/**
 * `Audit_Logs.csv`: one row per audit log entry, oldest id first (ids are time-ordered UUIDv7),
 * with the actor's name and the change set as the JSON text stored. The largest table of an
 * account: it is only ever read a batch at a time, and its lookups are loaded once.
 */
import { selectRows } from "./data-table.js";
import { loadUserNames, lookup } from "./lookups.js";

const entries = selectRows("audit_log", [
  ...(["at", "actor_type", "actor_id", "action", "entity_type", "entity_id", "ip", "changes"] as const),
]);

/** `Audit_Logs.csv` of the Data Files zip. */
export const auditLogsTable = entries.asCsv({
  file: "Audit_Logs.csv",
  rowsOf: "audit_log",
  description:
    "Audit log: when, who (actor type, id, name), what action on which record, from which IP, changes (JSON).",
  once: async ({ db, accountId }) => ({
    users: await loadUserNames(db, accountId),
    // An API token acts under its name; only id and name are read (the hash is secret).
    tokens: new Map(
      (
        await db.selectFrom("api_tokens").select(["id", "name"]).where("account_id", "=", accountId).execute()
      ).map((t) => [t.id, t.name]),
    ),
  }),
  columns: [
    { header: "Audit ID", cell: (e) => e.id },
    { header: "At", cell: (e) => e.at },
    { header: "Actor Type", cell: (e) => e.actor_type },
    { header: "Actor ID", cell: (e) => e.actor_id },
    {
      header: "Actor",
      cell: (e, lk) => {
        const names = e.actor_type === "user" ? lk.users : e.actor_type === "api_token" ? lk.tokens : null;
        return names === null ? null : lookup(names, e.actor_id);
      },
    },
    { header: "Action", cell: (e) => e.action },
    { header: "Entity Type", cell: (e) => e.entity_type },
    { header: "Entity ID", cell: (e) => e.entity_id },
    { header: "IP", cell: (e) => e.ip },
    { header: "Changes", cell: (e) => e.changes },
  ],
});
