/**
 * One keyset batch of persons with everything `Candidates.csv` shows: contact points, links,
 * tags, custom field values, work history, education and internal CVs — one query per child
 * table over the batch's id range (see `personsBetween`: linear on SQLite), tenant-filtered.
 */
import type { Kysely } from "kysely";
import type { DB, Row } from "../../../db/schema/index.js";
import { compareIds } from "../../compare-ids.js";
import { ownRows } from "../../own-rows.js";
import { push } from "../../records/list-map.js";
import {
  type ContactRow,
  loadContactPoints,
  loadPersonFieldValues,
  loadPersonTags,
  personsBetween,
} from "../../records/person-children.js";

export type PersonRecord = Row<"persons">;
export type WorkRecord = Pick<
  Row<"work_history">,
  "id" | "company_id" | "company_name" | "title" | "start_date" | "end_date" | "is_current"
>;
export type EducationRecord = Pick<
  Row<"education">,
  "id" | "school" | "degree" | "field_of_study" | "start_date" | "end_date"
>;
/** An internal CV, as `Attachments.csv` and the Internal CVs zip need it. */
export type CvRecord = Omit<Row<"attachments">, "account_id" | "updated_at">;

/** Persons of one batch (by id) and their child rows keyed by person id, each list ordered. */
export interface CandidateBatch {
  persons: PersonRecord[];
  /** Primary first, then by position, then id. */
  emails: Map<string, string[]>;
  phones: Map<string, string[]>;
  /** `kind: url`, by position. */
  links: Map<string, string[]>;
  tags: Map<string, string[]>;
  /** Definition id → canonical text. */
  values: Map<string, Map<string, string>>;
  /** Current first, then newest start first. */
  work: Map<string, WorkRecord[]>;
  education: Map<string, EducationRecord[]>;
  /** Oldest first (upload order), so names in the CV zip are stable run to run. */
  cvs: Map<string, CvRecord[]>;
}

/** Loads up to `limit` persons with id > `after` (null: from the start) and their details. */
export async function loadCandidateBatch(
  db: Kysely<DB>,
  accountId: string,
  after: string | null,
  limit: number,
): Promise<CandidateBatch> {
  let q = db.selectFrom("persons").selectAll().where("account_id", "=", accountId);
  if (after !== null) q = q.where("id", ">", after);
  const persons = await q.orderBy("id").limit(limit).execute();
  const batch: CandidateBatch = {
    persons,
    emails: new Map(),
    phones: new Map(),
    links: new Map(),
    tags: new Map(),
    values: new Map(),
    work: new Map(),
    education: new Map(),
    cvs: new Map(),
  };
  if (persons.length === 0) return batch;
  const span = { first: persons[0]!.id, last: persons[persons.length - 1]!.id };
  const inBatch = () => personsBetween(db, accountId, span);

  groupContactPoints(await loadContactPoints(db, accountId, span, "email"), batch.emails);
  groupContactPoints(await loadContactPoints(db, accountId, span, "phone"), batch.phones);

  const links = await inBatch()
    .innerJoin("person_links as l", "l.person_id", "p.id")
    .select(["l.account_id", "l.id", "l.person_id", "l.kind", "l.url", "l.position"])
    .execute()
    .then((rows) => ownRows(rows, accountId));
  links.sort((a, b) => a.position - b.position || compareIds(a.id, b.id));
  for (const l of links) push(batch.links, l.person_id, `${l.kind}: ${l.url}`);

  batch.tags = await loadPersonTags(db, accountId, span);
  batch.values = await loadPersonFieldValues(db, accountId, span);

  const work = await inBatch()
    .innerJoin("work_history as w", "w.person_id", "p.id")
    .select(["w.account_id", "w.id", "w.person_id", "w.company_id", "w.company_name", "w.title"])
    .select(["w.start_date", "w.end_date", "w.is_current"])
    .execute()
    .then((rows) => ownRows(rows, accountId));
  work.sort(
    (a, b) =>
      Number(b.is_current) - Number(a.is_current) ||
      compareIds(b.start_date ?? "", a.start_date ?? "") ||
      compareIds(a.id, b.id),
  );
  for (const { person_id, ...w } of work) push(batch.work, person_id, w);

  const education = await inBatch()
    .innerJoin("education as e", "e.person_id", "p.id")
    .select([
      "e.account_id",
      "e.id",
      "e.person_id",
      "e.school",
      "e.degree",
      "e.field_of_study",
      "e.start_date",
      "e.end_date",
    ])
    .execute()
    .then((rows) => ownRows(rows, accountId));
  education.sort((a, b) => compareIds(b.start_date ?? "", a.start_date ?? "") || compareIds(a.id, b.id));
  for (const { person_id, ...e } of education) push(batch.education, person_id, e);

  const cvs = await inBatch()
    .innerJoin("attachments as f", (j) =>
      j.onRef("f.entity_id", "=", "p.id").on("f.entity_type", "=", "person"),
    )
    .select([
      "f.account_id",
      "f.id",
      "f.entity_type",
      "f.entity_id",
      "f.file_name",
      "f.content_type",
      "f.size_bytes",
    ])
    .select(["f.sha256", "f.storage_key", "f.internal_cv", "f.uploaded_by_id", "f.created_at"])
    .where("f.internal_cv", "=", true)
    .execute()
    .then((rows) => ownRows(rows, accountId));
  cvs.sort((a, b) => compareIds(a.created_at, b.created_at) || compareIds(a.id, b.id));
  for (const cv of cvs) push(batch.cvs, cv.entity_id, cv);
  return batch;
}

/** Per person: the primary first, then by position, then id. */
function groupContactPoints(rows: ContactRow[], target: Map<string, string[]>): void {
  rows.sort(
    (a, b) =>
      Number(b.is_primary) - Number(a.is_primary) || a.position - b.position || compareIds(a.id, b.id),
  );
  for (const r of rows) push(target, r.person_id, r.value);
}
