/**
 * Expected cell texts computed straight from the database, written independently of the tables'
 * own lookups so a test compares two derivations.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../../src/db/schema/index.js";

/** User id → name of one account. */
export async function userNames(db: Kysely<DB>, accountId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom("users")
    .select(["id", "name"])
    .where("account_id", "=", accountId)
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Tag names per record of an entity type, in code point order. */
export async function tagsOf(
  db: Kysely<DB>,
  accountId: string,
  entityType: "company" | "job" | "client_contact",
): Promise<Map<string, string[]>> {
  const rows = await db
    .selectFrom("taggings as g")
    .innerJoin("tags as t", "t.id", "g.tag_id")
    .select(["g.entity_id", "t.name"])
    .where("g.account_id", "=", accountId)
    .where("g.entity_type", "=", entityType)
    .execute();
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.entity_id, [...(out.get(r.entity_id) ?? []), r.name]);
  for (const names of out.values()) names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return out;
}

/** A custom field's canonical value as the CSV shows it: Yes/No, multiselect as a "; " list. */
export function customFieldText(type: string, value: string): string {
  if (type === "boolean") return value === "true" ? "Yes" : value === "false" ? "No" : value;
  if (type === "multiselect") return (JSON.parse(value) as unknown[]).map(String).join("; ");
  return value;
}

/** "First Last" without an empty part. */
export function fullName(first: string, last: string): string {
  return [first, last].filter((s) => s !== "").join(" ");
}

/** "type:id" → display name of the records of one account a polymorphic reference may name. */
export async function recordNames(db: Kysely<DB>, accountId: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const persons = await db.selectFrom("persons").selectAll().where("account_id", "=", accountId).execute();
  const byPerson = new Map(persons.map((p) => [p.id, fullName(p.first_name, p.last_name)]));
  for (const [id, name] of byPerson) out.set(`person:${id}`, name);
  for (const table of ["companies", "deals"] as const) {
    const rows = await db
      .selectFrom(table)
      .select(["id", "name"])
      .where("account_id", "=", accountId)
      .execute();
    for (const r of rows) out.set(`${table === "companies" ? "company" : "deal"}:${r.id}`, r.name);
  }
  const jobs = await db
    .selectFrom("jobs")
    .select(["id", "title"])
    .where("account_id", "=", accountId)
    .execute();
  for (const j of jobs) out.set(`job:${j.id}`, j.title);
  const contacts = await db
    .selectFrom("client_contacts")
    .select(["id", "person_id"])
    .where("account_id", "=", accountId)
    .execute();
  for (const c of contacts) out.set(`client_contact:${c.id}`, byPerson.get(c.person_id)!);
  return out;
}
