/**
 * `Job_Pipelines.csv`: one row per application (a person in a job's pipeline), with the job,
 * the candidate, the current stage, the decision, the stage history and an assessment summary.
 * "Candidate ID" is the person id, as in `Candidates.csv`.
 */
import type { CsvTable } from "./csv-table.js";
import { keysetRows } from "./keyset.js";
import { distinctIds, joinList, loadJobTitles, loadPersonNames, loadUserNames, lookup } from "./lookups.js";
import {
  type AssessmentRow,
  loadPipelineDetails,
  loadStages,
  type StageEventRow,
} from "./pipeline-details.js";

const HEADER = [
  "Application ID",
  "Job ID",
  "Job Title",
  "Candidate ID",
  "Candidate Name",
  "Stage ID",
  "Stage Name",
  "Stage Type",
  "Status",
  "Decision Reason",
  "Archived",
  "Assigned To ID",
  "Assigned To",
  "Applied At",
  "Last Stage Change At",
  "Stage History",
  "Assessment Count",
  "Assessments",
  "Created At",
  "Updated At",
];

/** Shown for a stage of the history that was deleted since (its id was set null). */
const GONE = "(deleted stage)";

/** `Job_Pipelines.csv` of the Data Files zip. */
export const jobPipelinesTable: CsvTable = {
  file: "Job_Pipelines.csv",
  rowsOf: "applications",
  description:
    "Applications (candidate ↔ job): current stage, status, decision, archived flag, stage history and assessments.",
  async open(source) {
    const { db, accountId } = source;
    const users = await loadUserNames(db, accountId);
    const rows = keysetRows(
      source,
      (after, limit) =>
        db
          .selectFrom("applications")
          .select(["id", "job_id", "person_id", "stage_id", "status", "decision_reason", "archived"])
          .select(["assigned_to_id", "applied_at", "created_at", "updated_at"])
          .where("account_id", "=", accountId)
          .where("id", ">", after)
          .orderBy("id")
          .limit(limit)
          .execute(),
      async (batch, span) => {
        const persons = await loadPersonNames(db, accountId, distinctIds(batch.map((a) => a.person_id)));
        const jobs = await loadJobTitles(db, accountId, distinctIds(batch.map((a) => a.job_id)));
        const { events, assessments } = await loadPipelineDetails(db, accountId, span);
        const stages = await loadStages(db, accountId, distinctIds(batch.map((a) => a.stage_id)), events);
        const stageName = (id: string | null) => (id === null ? GONE : (stages.get(id)?.name ?? GONE));
        const history = (e: StageEventRow) =>
          `${e.from_stage_id === null ? "" : `${stageName(e.from_stage_id)} → `}${stageName(e.to_stage_id)} at ${e.at}`;
        const summary = (s: AssessmentRow) => {
          const parts = [
            s.score === null ? null : `score ${s.score}`,
            s.rating === null ? null : `rating ${s.rating}/5`,
            s.author_id === null ? null : `by ${users.get(s.author_id) ?? s.author_id}`,
          ].filter((p) => p !== null);
          return parts.length === 0 ? s.kind : `${s.kind} (${parts.join(", ")})`;
        };
        return batch.map((a) => {
          const evs = events.get(a.id) ?? [];
          const done = assessments.get(a.id) ?? [];
          const stage = stages.get(a.stage_id);
          return [
            ...[a.id, a.job_id, jobs.get(a.job_id), a.person_id, persons.get(a.person_id), a.stage_id],
            ...[stage?.name, stage?.type, a.status, a.decision_reason, a.archived, a.assigned_to_id],
            ...[lookup(users, a.assigned_to_id), a.applied_at, evs.at(-1)?.at, joinList(evs.map(history))],
            ...[done.length, joinList(done.map(summary)), a.created_at, a.updated_at],
          ];
        });
      },
    );
    return { header: [...HEADER], rows };
  },
};
