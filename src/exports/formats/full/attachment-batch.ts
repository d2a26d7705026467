/**
 * Keyset batches of the attachments that go in the Attachments zip — every file except the
 * internal CVs of persons (those are in the Internal CVs zip) — with the names of the records
 * they belong to, resolved per batch with one query per record type (`loadRecordNames`).
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema/index.js";
import type { CvRecord } from "./candidate-batch.js";
import { loadRecordNames, type RecordNames } from "./tables/record-names.js";

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
): Promise<{ files: FileRecord[]; names: RecordNames }> {
  let q = db
    .selectFrom("attachments")
    .select(["id", "entity_type", "entity_id", "file_name", "content_type", "size_bytes", "sha256"])
    .select(["storage_key", "internal_cv", "uploaded_by_id", "created_at"])
    .where("account_id", "=", accountId)
    .where((eb) => eb.not(eb.and([eb("internal_cv", "=", true), eb("entity_type", "=", "person")])));
  if (after !== null) q = q.where("id", ">", after);
  const files = await q.orderBy("id").limit(limit).execute();
  const refs = files.map((f) => ({ type: f.entity_type, id: f.entity_id }));
  return { files, names: await loadRecordNames(db, accountId, refs) };
}
