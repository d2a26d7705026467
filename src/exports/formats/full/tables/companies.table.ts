/**
 * `Companies.csv`: one row per client company, with its owner, tags, the enrichment JSON exactly
 * as stored, and one column per company custom field (before the stamps, as in `Candidates.csv`).
 */
import { loadTags } from "../../../records/tags.js";
import { STAMP_COLUMNS, selectRows } from "./data-table.js";
import { joinList, loadUserNames, lookup } from "./lookups.js";

const companies = selectRows("companies", [
  ...(["name", "domain", "website", "industry", "size", "location", "phone"] as const),
  ...(["owner_id", "enrichment", "created_at", "updated_at"] as const),
]);

/** `Companies.csv` of the Data Files zip. */
export const companiesTable = companies.asCsv({
  file: "Companies.csv",
  rowsOf: "companies",
  description: "Client companies: details, owner, tags, enrichment JSON (verbatim) and custom fields.",
  once: async ({ db, accountId }) => ({ users: await loadUserNames(db, accountId) }),
  batch: async ({ db, accountId }, _rows, span) => ({ tags: await loadTags(db, accountId, "company", span) }),
  customFields: "company",
  columns: [
    { header: "Company ID", cell: (c) => c.id },
    { header: "Name", cell: (c) => c.name },
    { header: "Domain", cell: (c) => c.domain },
    { header: "Website", cell: (c) => c.website },
    { header: "Industry", cell: (c) => c.industry },
    { header: "Size", cell: (c) => c.size },
    { header: "Location", cell: (c) => c.location },
    { header: "Phone", cell: (c) => c.phone },
    { header: "Owner ID", cell: (c) => c.owner_id },
    { header: "Owner", cell: (c, lk) => lookup(lk.users, c.owner_id) },
    { header: "Tags", cell: (c, lk) => joinList(lk.tags.get(c.id) ?? []) },
    { header: "Enrichment", cell: (c) => c.enrichment },
    ...STAMP_COLUMNS,
  ],
});
