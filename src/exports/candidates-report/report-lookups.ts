/**
 * The small per-account tables the report resolves ids against, loaded once up front: jobs,
 * pipeline stages, users, sources and person custom field definitions. Even a large account
 * has thousands of these at most, against millions of candidates.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema/index.js";
import { compareIds } from "../compare-ids.js";
import type { PersonFieldDefinition } from "./columns.js";
import { ResumePathAllocator } from "./resume-paths.js";

/** Id → display value maps, the custom field columns and the CV name allocator of one export. */
export interface ReportLookups {
  /** Job id → title. */
  jobs: Map<string, string>;
  /** Stage id → name. */
  stages: Map<string, string>;
  /** User id → name. */
  users: Map<string, string>;
  /** Source id → name. */
  sources: Map<string, string>;
  /** Person custom field definitions, by position then id (one column each). */
  definitions: PersonFieldDefinition[];
  /** Names the CVs; stateful, so one per export. */
  paths: ResumePathAllocator;
}

/** Loads the lookups of `accountId` (five queries, one after another). */
export async function loadReportLookups(db: Kysely<DB>, accountId: string): Promise<ReportLookups> {
  const jobs = await db
    .selectFrom("jobs")
    .select(["id", "title"])
    .where("account_id", "=", accountId)
    .execute();
  const stages = await db
    .selectFrom("pipeline_stages")
    .select(["id", "job_id", "name", "position"])
    .where("account_id", "=", accountId)
    .execute();
  const users = await db
    .selectFrom("users")
    .select(["id", "name"])
    .where("account_id", "=", accountId)
    .execute();
  const sources = await db
    .selectFrom("sources")
    .select(["id", "name"])
    .where("account_id", "=", accountId)
    .execute();
  const definitions = await db
    .selectFrom("custom_field_definitions")
    .select(["id", "label", "type", "position"])
    .where("account_id", "=", accountId)
    .where("entity_type", "=", "person")
    .execute();
  // Sorted here rather than in SQL so the order never depends on a PostgreSQL collation.
  definitions.sort((a, b) => a.position - b.position || compareIds(a.id, b.id));
  return {
    jobs: new Map(jobs.map((j) => [j.id, j.title])),
    stages: new Map(stages.map((s) => [s.id, s.name])),
    users: new Map(users.map((u) => [u.id, u.name])),
    sources: new Map(sources.map((s) => [s.id, s.name])),
    definitions: definitions.map(({ id, label, type }) => ({ id, label, type })),
    paths: new ResumePathAllocator(jobs, stages),
  };
}
