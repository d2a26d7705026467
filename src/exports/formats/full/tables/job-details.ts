/**
 * Per-batch details of jobs: pipeline stages, team, client contacts and target companies. Each is
 * one query driven from the batch's id range of `jobs` (see {@link Span}), reaching the child
 * table through its `job_id` index (the child's tenant is checked by {@link ownRows}: see there).
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../../db/schema/index.js";
import { compareIds } from "../../../compare-ids.js";
import { push } from "../../../records/list-map.js";
import type { Span } from "./keyset.js";
import { ownRows } from "./lookups.js";

/** What a job row shows of its children, per job id. */
export interface JobDetails {
  /** Stage names by position, then id. */
  stages: Map<string, string[]>;
  /** Team members by user id. */
  team: Map<string, { userId: string; role: string }[]>;
  /** Client contact ids, sorted. */
  contacts: Map<string, string[]>;
  /** Target company ids, sorted. */
  targets: Map<string, string[]>;
}

/** Loads the details of the batch's jobs (four queries, one after another). */
export async function loadJobDetails(db: Kysely<DB>, accountId: string, span: Span): Promise<JobDetails> {
  const jobs = () =>
    db
      .selectFrom("jobs as j")
      .where("j.account_id", "=", accountId)
      .where("j.id", ">=", span.first)
      .where("j.id", "<=", span.last);

  const stageRows = await jobs()
    .innerJoin("pipeline_stages as s", "s.job_id", "j.id")
    .select(["s.id", "s.account_id", "s.job_id", "s.name", "s.position"])
    .execute()
    .then((rows) => ownRows(rows, accountId));
  stageRows.sort((a, b) => a.position - b.position || compareIds(a.id, b.id));
  const stages = new Map<string, string[]>();
  for (const s of stageRows) push(stages, s.job_id, s.name);

  const teamRows = await jobs()
    .innerJoin("job_team_members as t", "t.job_id", "j.id")
    .select(["t.account_id", "t.job_id", "t.user_id", "t.role"])
    .execute()
    .then((rows) => ownRows(rows, accountId));
  teamRows.sort((a, b) => compareIds(a.user_id, b.user_id));
  const team = new Map<string, { userId: string; role: string }[]>();
  for (const t of teamRows) push(team, t.job_id, { userId: t.user_id, role: t.role });

  const contactRows = await jobs()
    .innerJoin("job_client_contacts as c", "c.job_id", "j.id")
    .select(["c.account_id", "c.job_id", "c.client_contact_id as linked"])
    .execute()
    .then((rows) => ownRows(rows, accountId));
  const targetRows = await jobs()
    .innerJoin("job_target_companies as t", "t.job_id", "j.id")
    .select(["t.account_id", "t.job_id", "t.company_id as linked"])
    .execute()
    .then((rows) => ownRows(rows, accountId));
  return { stages, team, contacts: linkedIds(contactRows), targets: linkedIds(targetRows) };
}

function linkedIds(rows: { job_id: string; linked: string }[]): Map<string, string[]> {
  rows.sort((a, b) => compareIds(a.linked, b.linked));
  const out = new Map<string, string[]>();
  for (const r of rows) push(out, r.job_id, r.linked);
  return out;
}
