/**
 * One keyset batch of persons with everything the report shows about them: one query per child
 * table, joined to the batch's id range (see {@link personsBetween}), tenant-filtered throughout.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema/index.js";
import { compareIds } from "../compare-ids.js";
import { ownRows } from "../own-rows.js";
import { push } from "../records/list-map.js";
import {
  type ContactRow,
  loadContactPoints,
  loadPersonFieldValues,
  loadPersonTags,
  personsBetween,
} from "../records/person-children.js";

/** The person columns the report uses. */
export interface PersonRow {
  id: string;
  first_name: string;
  last_name: string;
  source_type: string | null;
  source_id: string | null;
  referrer: string | null;
  owner_id: string | null;
  created_at: string;
  updated_at: string;
}

/** The application columns the report uses. */
export interface ApplicationRow {
  id: string;
  job_id: string;
  stage_id: string;
  status: string;
  decision_reason: string | null;
  archived: boolean;
  assigned_to_id: string | null;
  created_at: string;
  updated_at: string;
}

/** A person's CV attachment. */
export interface CvRow {
  id: string;
  file_name: string;
  storage_key: string;
  size_bytes: number;
}

/** Persons of one batch (by id) and their child rows keyed by person id. */
export interface PersonBatch {
  persons: PersonRow[];
  /** Applications by id. */
  applications: Map<string, ApplicationRow[]>;
  /** The primary e-mail, else the one of lowest position. */
  emails: Map<string, string>;
  phones: Map<string, string>;
  /** Tag names, sorted by code point (the same on both databases). */
  tags: Map<string, string[]>;
  /** Definition id → canonical text. */
  values: Map<string, Map<string, string>>;
  /** Latest internal CV (created_at desc, id desc). */
  cvs: Map<string, CvRow>;
}

/** Loads up to `limit` persons with id > `after` (null: from the start) and their details. */
export async function loadPersonBatch(
  db: Kysely<DB>,
  accountId: string,
  after: string | null,
  limit: number,
): Promise<PersonBatch> {
  let q = db
    .selectFrom("persons")
    .select(["id", "first_name", "last_name", "source_type", "source_id", "referrer", "owner_id"])
    .select(["created_at", "updated_at"])
    .where("account_id", "=", accountId);
  if (after !== null) q = q.where("id", ">", after);
  const persons = await q.orderBy("id").limit(limit).execute();
  const batch: PersonBatch = {
    persons,
    applications: new Map(),
    emails: new Map(),
    phones: new Map(),
    tags: new Map(),
    values: new Map(),
    cvs: new Map(),
  };
  if (persons.length === 0) return batch;
  const span = { first: persons[0]!.id, last: persons[persons.length - 1]!.id };
  const inBatch = () => personsBetween(db, accountId, span);

  const apps = await inBatch()
    .innerJoin("applications as a", "a.person_id", "p.id")
    .select([
      "a.account_id",
      "a.id",
      "a.person_id",
      "a.job_id",
      "a.stage_id",
      "a.status",
      "a.decision_reason",
      "a.archived",
    ])
    .select(["a.assigned_to_id", "a.created_at", "a.updated_at"])
    .execute()
    .then((rows) => ownRows(rows, accountId));
  apps.sort((a, b) => compareIds(a.id, b.id));
  for (const { person_id, ...app } of apps) push(batch.applications, person_id, app);

  pickFirst(await loadContactPoints(db, accountId, span, "email"), batch.emails);
  pickFirst(await loadContactPoints(db, accountId, span, "phone"), batch.phones);

  batch.tags = await loadPersonTags(db, accountId, span);
  batch.values = await loadPersonFieldValues(db, accountId, span);

  const cvs = await inBatch()
    .innerJoin("attachments as f", (j) =>
      j.onRef("f.entity_id", "=", "p.id").on("f.entity_type", "=", "person"),
    )
    .select([
      "f.account_id",
      "f.id",
      "f.entity_id",
      "f.file_name",
      "f.storage_key",
      "f.size_bytes",
      "f.created_at",
    ])
    .where("f.internal_cv", "=", true)
    .execute()
    .then((rows) => ownRows(rows, accountId));
  cvs.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || compareIds(b.id, a.id));
  for (const { entity_id, created_at: _, ...cv } of cvs) {
    if (!batch.cvs.has(entity_id)) batch.cvs.set(entity_id, cv);
  }
  return batch;
}

/** Per person: the primary row, else the lowest position, then the lowest id. */
function pickFirst(rows: ContactRow[], target: Map<string, string>): void {
  rows.sort(
    (a, b) =>
      Number(b.is_primary) - Number(a.is_primary) || a.position - b.position || compareIds(a.id, b.id),
  );
  for (const r of rows) if (!target.has(r.person_id)) target.set(r.person_id, r.value);
}
