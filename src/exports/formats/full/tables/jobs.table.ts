/**
 * `Jobs.csv`: one row per job opening, with its company, owner, team, client contacts, target
 * companies, pipeline (stage names in order), tags and one column per job custom field (before the
 * stamps, as in `Candidates.csv`).
 */

import { loadTags } from "../../../records/tags.js";
import type { CsvTable } from "./csv-table.js";
import { fieldCells, loadCustomFieldColumns, loadFieldValues } from "./custom-fields.js";
import { loadJobDetails } from "./job-details.js";
import { keysetRows } from "./keyset.js";
import { distinctIds, joinList, loadCompanyNames, loadUserNames, lookup } from "./lookups.js";

const HEADER = [
  "Job ID",
  "Title",
  "Company ID",
  "Company Name",
  "Department",
  "Location",
  "Employment Type",
  "State",
  "Openings",
  "Owner ID",
  "Owner",
  "Team Member IDs",
  "Team Members",
  "Client Contact IDs",
  "Target Company IDs",
  "Target Company Names",
  "Pipeline Stages",
  "Description",
  "Tags",
];

/** Separator of the pipeline's stage names: they read as steps, and "; " is for plain lists. */
const STAGE_SEPARATOR = " > ";

/** `Jobs.csv` of the Data Files zip. */
export const jobsTable: CsvTable = {
  file: "Jobs.csv",
  rowsOf: "jobs",
  description:
    "Job openings: company, details, state, owner, team, client contacts, target companies, pipeline stages, custom fields.",
  async open(source) {
    const { db, accountId } = source;
    const users = await loadUserNames(db, accountId);
    const fields = await loadCustomFieldColumns(db, accountId, "job", HEADER);
    const rows = keysetRows(
      source,
      (after, limit) =>
        db
          .selectFrom("jobs")
          .select(["id", "title", "company_id", "department", "location", "employment_type", "state"])
          .select(["openings", "owner_id", "description", "created_at", "updated_at"])
          .where("account_id", "=", accountId)
          .where("id", ">", after)
          .orderBy("id")
          .limit(limit)
          .execute(),
      async (batch, span) => {
        const details = await loadJobDetails(db, accountId, span);
        const companyIds = distinctIds([
          ...batch.map((j) => j.company_id),
          ...[...details.targets.values()].flat(),
        ]);
        const companies = await loadCompanyNames(db, accountId, companyIds);
        const tags = await loadTags(db, accountId, "job", span);
        const values = await loadFieldValues(db, accountId, "job", span);
        return batch.map((j) => {
          const team = details.team.get(j.id) ?? [];
          const members = team.map((t) => `${users.get(t.userId) ?? t.userId} (${t.role})`);
          const targets = details.targets.get(j.id) ?? [];
          return [
            ...[j.id, j.title, j.company_id, lookup(companies, j.company_id), j.department, j.location],
            ...[j.employment_type, j.state, j.openings, j.owner_id, lookup(users, j.owner_id)],
            ...[joinList(team.map((t) => t.userId)), joinList(members)],
            ...[joinList(details.contacts.get(j.id) ?? []), joinList(targets)],
            ...[joinList(targets.map((id) => companies.get(id) ?? id))],
            ...[(details.stages.get(j.id) ?? []).join(STAGE_SEPARATOR) || null, j.description],
            joinList(tags.get(j.id) ?? []),
            ...fieldCells(fields, values, j.id),
            j.created_at,
            j.updated_at,
          ];
        });
      },
    );
    return { header: fields.header, rows };
  },
};
