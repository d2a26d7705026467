/**
 * Display names of the records a polymorphic reference points at (a list member, a task's related
 * record), resolved per batch: one primary-key query per record type present in the batch. A
 * polymorphic id has no foreign key and may name a record of another account: {@link ownRows}
 * drops it, so it gets no name.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../../db/schema/index.js";
import { distinctIds, loadNames, ownRows, personName } from "./lookups.js";

/** A polymorphic reference as stored: the entity word and the id. */
export interface RecordRef {
  type: string | null;
  id: string | null;
}

/** Resolved names, keyed by {@link recordKey}. */
export type RecordNames = ReadonlyMap<string, string>;

/** Key of a reference in {@link RecordNames}. */
export function recordKey(type: string, id: string): string {
  return `${type}:${id}`;
}

/** The name of a reference, or null (no reference, or a record that is not in the account). */
export function recordName(names: RecordNames, ref: RecordRef): string | null {
  return ref.type === null || ref.id === null ? null : (names.get(recordKey(ref.type, ref.id)) ?? null);
}

/**
 * Names of the referenced records: a person's (or client contact's person's) full name, a
 * company's or deal's name, a job's title. Other entity words resolve to nothing.
 */
export async function loadRecordNames(
  db: Kysely<DB>,
  accountId: string,
  refs: readonly RecordRef[],
): Promise<RecordNames> {
  const idsOf = (type: string) => distinctIds(refs.filter((r) => r.type === type).map((r) => r.id));
  const names = new Map<string, string>();
  const put = (type: string, rows: Iterable<[string, string]>) => {
    for (const [id, name] of rows) names.set(recordKey(type, id), name);
  };

  for (const kind of ["person", "company", "job", "deal"] as const) {
    put(kind, await loadNames(db, accountId, kind, idsOf(kind)));
  }
  const contacts = idsOf("client_contact");
  if (contacts.length > 0) {
    const rows = await db
      .selectFrom("client_contacts as c")
      .innerJoin("persons as p", "p.id", "c.person_id")
      .select(["c.id", "c.account_id", "p.account_id as person_account_id", "p.first_name", "p.last_name"])
      .where("c.id", "in", contacts)
      .execute();
    put(
      "client_contact",
      ownRows(rows, accountId)
        .filter((r) => r.person_account_id === accountId)
        .map((r) => [r.id, personName(r.first_name, r.last_name)]),
    );
  }
  return names;
}
