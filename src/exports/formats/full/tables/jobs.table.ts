/**
 * `Jobs.csv`: one row per job opening, with its company, owner, team, client contacts, target
 * companies, pipeline (stage names in order), tags and one column per job custom field (before the
 * stamps, as in `Candidates.csv`).
 */
import { loadTags } from "../../../records/tags.js";
import { STAMP_COLUMNS, selectRows } from "./data-table.js";
import { loadJobDetails } from "./job-details.js";
import { distinctIds, joinList, loadNames, loadUserNames, lookup } from "./lookups.js";

/** Separator of the pipeline's stage names: they read as steps, and "; " is for plain lists. */
const STAGE_SEPARATOR = " > ";

const jobs = selectRows("jobs", [
  ...(["title", "company_id", "department", "location", "employment_type", "state"] as const),
  ...(["openings", "owner_id", "description", "created_at", "updated_at"] as const),
]);

/** `Jobs.csv` of the Data Files zip. */
export const jobsTable = jobs.asCsv({
  file: "Jobs.csv",
  rowsOf: "jobs",
  description:
    "Job openings: company, details, state, owner, team, client contacts, target companies, pipeline stages, custom fields.",
  once: async ({ db, accountId }) => ({ users: await loadUserNames(db, accountId) }),
  batch: async ({ db, accountId }, batch, span) => {
    const details = await loadJobDetails(db, accountId, span);
    const companyIds = distinctIds([
      ...batch.map((j) => j.company_id),
      ...[...details.targets.values()].flat(),
    ]);
    const companies = await loadNames(db, accountId, "company", companyIds);
    const tags = await loadTags(db, accountId, "job", span);
    return { ...details, companies, tags };
  },
  customFields: "job",
  columns: [
    { header: "Job ID", cell: (j) => j.id },
    { header: "Title", cell: (j) => j.title },
    { header: "Company ID", cell: (j) => j.company_id },
    { header: "Company Name", cell: (j, lk) => lookup(lk.companies, j.company_id) },
    { header: "Department", cell: (j) => j.department },
    { header: "Location", cell: (j) => j.location },
    { header: "Employment Type", cell: (j) => j.employment_type },
    { header: "State", cell: (j) => j.state },
    { header: "Openings", cell: (j) => j.openings },
    { header: "Owner ID", cell: (j) => j.owner_id },
    { header: "Owner", cell: (j, lk) => lookup(lk.users, j.owner_id) },
    { header: "Team Member IDs", cell: (j, lk) => joinList((lk.team.get(j.id) ?? []).map((t) => t.userId)) },
    {
      header: "Team Members",
      cell: (j, lk) =>
        joinList((lk.team.get(j.id) ?? []).map((t) => `${lk.users.get(t.userId) ?? t.userId} (${t.role})`)),
    },
    { header: "Client Contact IDs", cell: (j, lk) => joinList(lk.contacts.get(j.id) ?? []) },
    { header: "Target Company IDs", cell: (j, lk) => joinList(lk.targets.get(j.id) ?? []) },
    {
      header: "Target Company Names",
      cell: (j, lk) => joinList((lk.targets.get(j.id) ?? []).map((id) => lk.companies.get(id) ?? id)),
    },
    {
      header: "Pipeline Stages",
      cell: (j, lk) => (lk.stages.get(j.id) ?? []).join(STAGE_SEPARATOR) || null,
    },
    { header: "Description", cell: (j) => j.description },
    { header: "Tags", cell: (j, lk) => joinList(lk.tags.get(j.id) ?? []) },
    ...STAMP_COLUMNS,
  ],
});
