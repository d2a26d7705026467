/**
 * Child rows of one keyset batch of persons, shared by the Candidates report and the full
 * export's `Candidates.csv`: each query is driven from the batch's id range and tenant-filtered.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema/index.js";
import { ownRows } from "../own-rows.js";
import { loadTags } from "./tags.js";

/**
 * The batch's persons as the driving table of a child query: `account_id = ? and id between
 * first and last` of the batch (the same persons, as the batch is a run of consecutive ids).
 * Driving from this range rather than `child.person_id in (…500 ids)` matters on SQLite: without
 * ANALYZE statistics its planner prefers the child's `(account_id, …)` index for the tenant
 * filter and scans the whole account's rows for every batch — quadratic in the account size.
 */
export function personsBetween(db: Kysely<DB>, accountId: string, span: { first: string; last: string }) {
  return db
    .selectFrom("persons as p")
    .where("p.account_id", "=", accountId)
    .where("p.id", ">=", span.first)
    .where("p.id", "<=", span.last);
}

/** E-mail addresses or phone numbers of the persons of the batch's id range, in no order. */
export async function loadContactPoints(
  db: Kysely<DB>,
  accountId: string,
  span: { first: string; last: string },
  kind: "email" | "phone",
): Promise<ContactRow[]> {
  const q = personsBetween(db, accountId, span);
  const rows = await (kind === "email"
    ? q
        .innerJoin("person_emails as c", "c.person_id", "p.id")
        .select(["c.account_id", "c.id", "c.person_id", "c.is_primary", "c.position", "c.email as value"])
    : q
        .innerJoin("person_phones as c", "c.person_id", "p.id")
        .select(["c.account_id", "c.id", "c.person_id", "c.is_primary", "c.position", "c.phone as value"])
  ).execute();
  return ownRows(rows, accountId);
}

/** One e-mail address or phone number of a person. */
export interface ContactRow {
  id: string;
  person_id: string;
  is_primary: boolean;
  position: number;
  value: string;
}

/** Tag names per person of the batch's id range (the Data Files tables' loader, for persons). */
export function loadPersonTags(
  db: Kysely<DB>,
  accountId: string,
  span: { first: string; last: string },
): Promise<Map<string, string[]>> {
  return loadTags(db, accountId, "person", span);
}

/** Custom field values (definition id → canonical text) per person of the batch's id range. */
export async function loadPersonFieldValues(
  db: Kysely<DB>,
  accountId: string,
  span: { first: string; last: string },
): Promise<Map<string, Map<string, string>>> {
  const values = await personsBetween(db, accountId, span)
    .innerJoin("custom_field_values as v", (j) =>
      j.onRef("v.entity_id", "=", "p.id").on("v.entity_type", "=", "person"),
    )
    .select(["v.account_id", "v.entity_id", "v.definition_id", "v.value"])
    .execute()
    .then((rows) => ownRows(rows, accountId));
  const byPerson = new Map<string, Map<string, string>>();
  for (const v of values) {
    const m = byPerson.get(v.entity_id) ?? new Map<string, string>();
    byPerson.set(v.entity_id, m);
    m.set(v.definition_id, v.value);
  }
  return byPerson;
}
