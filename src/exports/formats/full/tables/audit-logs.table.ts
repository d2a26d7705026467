/**
 * `Audit_Logs.csv`: one row per audit log entry, oldest id first (ids are time-ordered UUIDv7),
 * with the actor's name and the change set as the JSON text stored. The largest table of an
 * account: it is only ever read a batch at a time, and its lookups are loaded once.
 */
import type { CsvTable } from "./csv-table.js";
import { keysetRows } from "./keyset.js";
import { loadUserNames, lookup } from "./lookups.js";

const HEADER = [
  "Audit ID",
  "At",
  "Actor Type",
  "Actor ID",
  "Actor",
  "Action",
  "Entity Type",
  "Entity ID",
  "IP",
  "Changes",
];

/** `Audit_Logs.csv` of the Data Files zip. */
export const auditLogsTable: CsvTable = {
  file: "Audit_Logs.csv",
  rowsOf: "audit_log",
  description:
    "Audit log: when, who (actor type, id, name), what action on which record, from which IP, changes (JSON).",
  async open(source) {
    const { db, accountId } = source;
    const users = await loadUserNames(db, accountId);
    // An API token acts under its name; only id and name are read (the hash is secret).
    const tokens = new Map(
      (
        await db.selectFrom("api_tokens").select(["id", "name"]).where("account_id", "=", accountId).execute()
      ).map((t) => [t.id, t.name]),
    );
    const rows = keysetRows(
      source,
      (after, limit) =>
        db
          .selectFrom("audit_log")
          .select([
            "id",
            "at",
            "actor_type",
            "actor_id",
            "action",
            "entity_type",
            "entity_id",
            "ip",
            "changes",
          ])
          .where("account_id", "=", accountId)
          .where("id", ">", after)
          .orderBy("id")
          .limit(limit)
          .execute(),
      async (batch) =>
        batch.map((e) => {
          const names = e.actor_type === "user" ? users : e.actor_type === "api_token" ? tokens : null;
          const actor = names === null ? null : lookup(names, e.actor_id);
          return [
            e.id,
            e.at,
            e.actor_type,
            e.actor_id,
            actor,
            e.action,
            e.entity_type,
            e.entity_id,
            e.ip,
            e.changes,
          ];
        }),
    );
    return { header: [...HEADER], rows };
  },
};
