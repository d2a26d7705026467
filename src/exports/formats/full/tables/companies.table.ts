/**
 * `Companies.csv`: one row per client company, with its owner, tags, the enrichment JSON exactly
 * as stored, and one column per company custom field (before the stamps, as in `Candidates.csv`).
 */

import { loadTags } from "../../../records/tags.js";
import type { CsvTable } from "./csv-table.js";
import { fieldCells, loadCustomFieldColumns, loadFieldValues } from "./custom-fields.js";
import { keysetRows } from "./keyset.js";
import { joinList, loadUserNames, lookup } from "./lookups.js";

const HEADER = [
  "Company ID",
  "Name",
  "Domain",
  "Website",
  "Industry",
  "Size",
  "Location",
  "Phone",
  "Owner ID",
  "Owner",
  "Tags",
  "Enrichment",
];

/** `Companies.csv` of the Data Files zip. */
export const companiesTable: CsvTable = {
  file: "Companies.csv",
  rowsOf: "companies",
  description: "Client companies: details, owner, tags, enrichment JSON (verbatim) and custom fields.",
  async open(source) {
    const { db, accountId } = source;
    const users = await loadUserNames(db, accountId);
    const fields = await loadCustomFieldColumns(db, accountId, "company", HEADER);
    const rows = keysetRows(
      source,
      (after, limit) =>
        db
          .selectFrom("companies")
          .select(["id", "name", "domain", "website", "industry", "size", "location", "phone"])
          .select(["owner_id", "enrichment", "created_at", "updated_at"])
          .where("account_id", "=", accountId)
          .where("id", ">", after)
          .orderBy("id")
          .limit(limit)
          .execute(),
      async (batch, span) => {
        const tags = await loadTags(db, accountId, "company", span);
        const values = await loadFieldValues(db, accountId, "company", span);
        return batch.map((c) => [
          ...[c.id, c.name, c.domain, c.website, c.industry, c.size, c.location, c.phone],
          ...[c.owner_id, lookup(users, c.owner_id), joinList(tags.get(c.id) ?? [])],
          c.enrichment,
          ...fieldCells(fields, values, c.id),
          c.created_at,
          c.updated_at,
        ]);
      },
    );
    return { header: fields.header, rows };
  },
};
