/**
 * One keyset batch of persons with everything the report shows about them, each child table
 * read with one `where person_id in (…)` query (indexed), tenant-filtered like every query.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema/index.js";
import { compareIds } from "./resume-paths.js";

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
  const ids = persons.map((p) => p.id);

  const apps = await db
    .selectFrom("applications")
    .select(["id", "person_id", "job_id", "stage_id", "status", "decision_reason", "archived"])
    .select(["assigned_to_id", "created_at", "updated_at"])
    .where("account_id", "=", accountId)
    .where("person_id", "in", ids)
    .execute();
  apps.sort((a, b) => compareIds(a.id, b.id));
  for (const { person_id, ...app } of apps) push(batch.applications, person_id, app);

  for (const [table, column, target] of [
    ["person_emails", "email", batch.emails],
    ["person_phones", "phone", batch.phones],
  ] as const) {
    const rows = await db
      .selectFrom(table)
      .select(["id", "person_id", "is_primary", "position", `${column} as value`])
      .where("account_id", "=", accountId)
      .where("person_id", "in", ids)
      .execute();
    // Primary first, then lowest position, then id: the first row per person wins.
    rows.sort(
      (a, b) =>
        Number(b.is_primary) - Number(a.is_primary) || a.position - b.position || compareIds(a.id, b.id),
    );
    for (const r of rows) if (!target.has(r.person_id)) target.set(r.person_id, r.value);
  }

  const tags = await db
    .selectFrom("taggings")
    .innerJoin("tags", "tags.id", "taggings.tag_id")
    .select(["taggings.entity_id", "tags.name"])
    .where("taggings.account_id", "=", accountId)
    .where("tags.account_id", "=", accountId)
    .where("taggings.entity_type", "=", "person")
    .where("taggings.entity_id", "in", ids)
    .execute();
  tags.sort((a, b) => compareIds(a.name, b.name));
  for (const t of tags) push(batch.tags, t.entity_id, t.name);

  const values = await db
    .selectFrom("custom_field_values")
    .select(["entity_id", "definition_id", "value"])
    .where("account_id", "=", accountId)
    .where("entity_type", "=", "person")
    .where("entity_id", "in", ids)
    .execute();
  for (const v of values) {
    const m = batch.values.get(v.entity_id) ?? new Map<string, string>();
    batch.values.set(v.entity_id, m);
    m.set(v.definition_id, v.value);
  }

  const cvs = await db
    .selectFrom("attachments")
    .select(["id", "entity_id", "file_name", "storage_key", "size_bytes", "created_at"])
    .where("account_id", "=", accountId)
    .where("entity_type", "=", "person")
    .where("internal_cv", "=", true)
    .where("entity_id", "in", ids)
    .execute();
  cvs.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || compareIds(b.id, a.id));
  for (const { entity_id, created_at: _, ...cv } of cvs) {
    if (!batch.cvs.has(entity_id)) batch.cvs.set(entity_id, cv);
  }
  return batch;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
