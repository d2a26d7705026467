/**
 * Per-batch details of applications: stage history and assessments, each one query driven from
 * the batch's id range of `applications` (see {@link Span}), and the names of the stages they
 * mention (primary-key lookups). Child rows' tenant is checked by {@link ownRows} (see there).
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../../db/schema/index.js";
import { compareIds } from "../../../compare-ids.js";
import { push } from "../../../records/list-map.js";
import type { Span } from "./keyset.js";
import { distinctIds, ownRows } from "./lookups.js";

/** A stage event as the history shows it. */
export interface StageEventRow {
  id: string;
  from_stage_id: string | null;
  to_stage_id: string | null;
  at: string;
}

/** An assessment as the summary shows it. */
export interface AssessmentRow {
  kind: string;
  score: number | null;
  rating: number | null;
  author_id: string | null;
}

/** Stage events (oldest first) and assessments (by creation) per application id. */
export interface PipelineDetails {
  events: Map<string, StageEventRow[]>;
  assessments: Map<string, AssessmentRow[]>;
}

/** Loads the stage events and assessments of the batch's applications (two queries). */
export async function loadPipelineDetails(
  db: Kysely<DB>,
  accountId: string,
  span: Span,
): Promise<PipelineDetails> {
  const applications = () =>
    db
      .selectFrom("applications as a")
      .where("a.account_id", "=", accountId)
      .where("a.id", ">=", span.first)
      .where("a.id", "<=", span.last);
  const eventRows = await applications()
    .innerJoin("stage_events as e", "e.application_id", "a.id")
    .select(["e.id", "e.account_id", "e.application_id", "e.from_stage_id", "e.to_stage_id", "e.at"])
    .execute()
    .then((rows) => ownRows(rows, accountId));
  eventRows.sort((x, y) => compareIds(x.at, y.at) || compareIds(x.id, y.id));
  const events = new Map<string, StageEventRow[]>();
  for (const { application_id, account_id: _, ...e } of eventRows) push(events, application_id, e);

  const assessmentRows = await applications()
    .innerJoin("assessments as s", "s.application_id", "a.id")
    .select(["s.id", "s.account_id", "s.application_id", "s.kind", "s.score", "s.rating", "s.author_id"])
    .select("s.created_at")
    .execute()
    .then((rows) => ownRows(rows, accountId));
  assessmentRows.sort((x, y) => compareIds(x.created_at, y.created_at) || compareIds(x.id, y.id));
  const assessments = new Map<string, AssessmentRow[]>();
  for (const s of assessmentRows) push(assessments, s.application_id, s);
  return { events, assessments };
}

/** Stage id → name and type, for the given stage ids and every stage the events mention. */
export async function loadStages(
  db: Kysely<DB>,
  accountId: string,
  stageIds: readonly string[],
  events: PipelineDetails["events"],
): Promise<Map<string, { name: string; type: string }>> {
  const all = [...events.values()].flat().flatMap((e) => [e.from_stage_id, e.to_stage_id]);
  const ids = distinctIds([...stageIds, ...all]);
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("pipeline_stages")
    .select(["id", "account_id", "name", "type"])
    .where("id", "in", ids)
    .execute();
  return new Map(ownRows(rows, accountId).map((r) => [r.id, { name: r.name, type: r.type }]));
}
