/**
 * Keyset batches of the attachments that go in the Attachments zip — every file except the
 * internal CVs of persons (those are in the Internal CVs zip) — with the names of the records
 * they belong to, resolved per batch with one query per record type.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema/index.js";
import { ownRows } from "../../own-rows.js";
import type { CvRecord } from "./candidate-batch.js";

export type FileRecord = CvRecord;

/** Folder of each record type in the Attachments zip. */
export const TYPE_FOLDERS: Readonly<Record<string, string>> = {
  person: "Candidates",
  company: "Companies",
  job: "Jobs",
  deal: "Deals",
  client_contact: "Contacts",
  application: "Applications",
  activity: "Activities",
};

/** Attachments of the Attachments zip with id > `after`, by id, and their records' names. */
export async function loadAttachmentBatch(
  db: Kysely<DB>,
  accountId: string,
  after: string | null,
  limit: number,
): Promise<{ files: FileRecord[]; names: Map<string, string> }> {
  let q = db
    .selectFrom("attachments")
    .select(["id", "entity_type", "entity_id", "file_name", "content_type", "size_bytes", "sha256"])
    .select(["storage_key", "internal_cv", "uploaded_by_id", "created_at"])
    .where("account_id", "=", accountId)
    .where((eb) => eb.not(eb.and([eb("internal_cv", "=", true), eb("entity_type", "=", "person")])));
  if (after !== null) q = q.where("id", ">", after);
  const files = await q.orderBy("id").limit(limit).execute();
  return { files, names: await recordNames(db, accountId, files) };
}

/** `entity_type:entity_id` → display name, for the types that have one. */
async function recordNames(
  db: Kysely<DB>,
  accountId: string,
  files: readonly FileRecord[],
): Promise<Map<string, string>> {
  const ids = (type: string) => [
    ...new Set(files.filter((f) => f.entity_type === type).map((f) => f.entity_id)),
  ];
  const names = new Map<string, string>();
  // By key only, the tenant checked in code (see own-rows.ts).
  const put = (type: string, rows: { account_id: string; id: string; name: string }[]) => {
    for (const r of ownRows(rows, accountId)) names.set(`${type}:${r.id}`, r.name.trim());
  };
  const persons = ids("person");
  if (persons.length)
    put(
      "person",
      (
        await db
          .selectFrom("persons")
          .select(["account_id", "id", "first_name", "last_name"])
          .where("id", "in", persons)
          .execute()
      ).map((p) => ({ account_id: p.account_id, id: p.id, name: `${p.first_name} ${p.last_name}` })),
    );
  const companies = ids("company");
  if (companies.length)
    put(
      "company",
      await db
        .selectFrom("companies")
        .select(["account_id", "id", "name"])
        .where("id", "in", companies)
        .execute(),
    );
  const jobs = ids("job");
  if (jobs.length)
    put(
      "job",
      await db
        .selectFrom("jobs")
        .select(["account_id", "id", "title as name"])
        .where("id", "in", jobs)
        .execute(),
    );
  const deals = ids("deal");
  if (deals.length)
    put(
      "deal",
      await db.selectFrom("deals").select(["account_id", "id", "name"]).where("id", "in", deals).execute(),
    );
  const contacts = ids("client_contact");
  if (contacts.length)
    put(
      "client_contact",
      (
        await db
          .selectFrom("client_contacts as c")
          .innerJoin("persons as p", "p.id", "c.person_id")
          .select(["c.account_id", "c.id", "p.first_name", "p.last_name"])
          .where("c.id", "in", contacts)
          .execute()
      ).map((p) => ({ account_id: p.account_id, id: p.id, name: `${p.first_name} ${p.last_name}` })),
    );
  return names;
}
