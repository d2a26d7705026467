import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema/index.js";
import { CANDIDATE_BASE_HEADER, type CandidateLookups } from "./candidate-columns.js";
import { loadCustomFieldColumns } from "./tables/custom-fields.js";
import { loadUserNames } from "./tables/lookups.js";

/** Users, sources and person custom fields of the account (small tables), loaded once. */
export async function loadCandidateLookups(db: Kysely<DB>, accountId: string): Promise<CandidateLookups> {
  const users = await loadUserNames(db, accountId);
  const sources = await db
    .selectFrom("sources")
    .select(["id", "name"])
    .where("account_id", "=", accountId)
    .execute();
  const { definitions } = await loadCustomFieldColumns(db, accountId, "person", CANDIDATE_BASE_HEADER);
  return {
    users,
    sources: new Map(sources.map((s) => [s.id, s.name])),
    fields: definitions,
  };
}

/** Work units of the progress bar: persons, files of the Attachments zip, rows of the tables. */
export async function countWork(
  db: Kysely<DB>,
  accountId: string,
  tables: readonly string[],
): Promise<number> {
  let total = 0;
  for (const table of ["persons", ...tables]) {
    const r = await db
      .selectFrom(table as "persons")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("account_id", "=", accountId)
      .executeTakeFirstOrThrow();
    total += Number(r.n);
  }
  const files = await db
    .selectFrom("attachments")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("account_id", "=", accountId)
    .where((eb) => eb.not(eb.and([eb("internal_cv", "=", true), eb("entity_type", "=", "person")])))
    .executeTakeFirstOrThrow();
  return total + Number(files.n);
}
