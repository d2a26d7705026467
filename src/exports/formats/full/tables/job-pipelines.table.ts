/**
 * `Job_Pipelines.csv`: one row per application (a person in a job's pipeline), with the job,
 * the candidate, the current stage, the decision, the stage history and an assessment summary.
 * "Candidate ID" is the person id, as in `Candidates.csv`.
 */
import { STAMP_COLUMNS, selectRows } from "./data-table.js";
import { distinctIds, joinList, loadNames, loadUserNames, lookup } from "./lookups.js";
import {
  type AssessmentRow,
  loadPipelineDetails,
  loadStages,
  type StageEventRow,
} from "./pipeline-details.js";

/** Shown for a stage of the history that was deleted since (its id was set null). */
const GONE = "(deleted stage)";

const applications = selectRows("applications", [
  ...(["job_id", "person_id", "stage_id", "status", "decision_reason", "archived"] as const),
  ...(["assigned_to_id", "applied_at", "created_at", "updated_at"] as const),
]);

/** `Job_Pipelines.csv` of the Data Files zip. */
export const jobPipelinesTable = applications.asCsv({
  file: "Job_Pipelines.csv",
  rowsOf: "applications",
  description:
    "Applications (candidate ↔ job): current stage, status, decision, archived flag, stage history and assessments.",
  once: async ({ db, accountId }) => ({ users: await loadUserNames(db, accountId) }),
  batch: async ({ db, accountId }, batch, span, { users }) => {
    const persons = await loadNames(db, accountId, "person", distinctIds(batch.map((a) => a.person_id)));
    const jobs = await loadNames(db, accountId, "job", distinctIds(batch.map((a) => a.job_id)));
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
    return { persons, jobs, events, assessments, stages, history, summary };
  },
  columns: [
    { header: "Application ID", cell: (a) => a.id },
    { header: "Job ID", cell: (a) => a.job_id },
    { header: "Job Title", cell: (a, lk) => lk.jobs.get(a.job_id) },
    { header: "Candidate ID", cell: (a) => a.person_id },
    { header: "Candidate Name", cell: (a, lk) => lk.persons.get(a.person_id) },
    { header: "Stage ID", cell: (a) => a.stage_id },
    { header: "Stage Name", cell: (a, lk) => lk.stages.get(a.stage_id)?.name },
    { header: "Stage Type", cell: (a, lk) => lk.stages.get(a.stage_id)?.type },
    { header: "Status", cell: (a) => a.status },
    { header: "Decision Reason", cell: (a) => a.decision_reason },
    { header: "Archived", cell: (a) => a.archived },
    { header: "Assigned To ID", cell: (a) => a.assigned_to_id },
    { header: "Assigned To", cell: (a, lk) => lookup(lk.users, a.assigned_to_id) },
    { header: "Applied At", cell: (a) => a.applied_at },
    { header: "Last Stage Change At", cell: (a, lk) => lk.events.get(a.id)?.at(-1)?.at },
    { header: "Stage History", cell: (a, lk) => joinList((lk.events.get(a.id) ?? []).map(lk.history)) },
    { header: "Assessment Count", cell: (a, lk) => (lk.assessments.get(a.id) ?? []).length },
    { header: "Assessments", cell: (a, lk) => joinList((lk.assessments.get(a.id) ?? []).map(lk.summary)) },
    ...STAMP_COLUMNS,
  ],
});
