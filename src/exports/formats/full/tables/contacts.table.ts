/**
 * `Contacts.csv`: one row per client contact (a person at a company), with the person's names,
 * e-mails and phones, the company, the status and its history, tags and client contact custom
 * fields.
 */

import { loadTags } from "../../../records/tags.js";
import { loadContactChannels, loadStatusHistory } from "./contact-details.js";
import type { CsvTable } from "./csv-table.js";
import { fieldCells, loadCustomFieldColumns, loadFieldValues } from "./custom-fields.js";
import { keysetRows } from "./keyset.js";
import { distinctIds, joinList, loadCompanyNames, loadUserNames, lookup, ownRows } from "./lookups.js";

const HEADER = [
  "Contact ID",
  "Person ID",
  "First Name",
  "Last Name",
  "Emails",
  "Phones",
  "Location",
  "Company ID",
  "Company Name",
  "Title",
  "Status",
  "Status History",
  "Owner ID",
  "Owner",
  "Tags",
];

/** `Contacts.csv` of the Data Files zip. */
export const contactsTable: CsvTable = {
  file: "Contacts.csv",
  rowsOf: "client_contacts",
  description:
    "Client contacts (person ↔ company): names, e-mails, phones, company, title, status and its history, custom fields.",
  async open(source) {
    const { db, accountId } = source;
    const users = await loadUserNames(db, accountId);
    const fields = await loadCustomFieldColumns(db, accountId, "client_contact", HEADER);
    const rows = keysetRows(
      source,
      (after, limit) =>
        db
          .selectFrom("client_contacts")
          .select([
            "id",
            "person_id",
            "company_id",
            "title",
            "status",
            "owner_id",
            "created_at",
            "updated_at",
          ])
          .where("account_id", "=", accountId)
          .where("id", ">", after)
          .orderBy("id")
          .limit(limit)
          .execute(),
      async (batch, span) => {
        const personIds = distinctIds(batch.map((c) => c.person_id));
        const persons = new Map(
          (
            await db
              .selectFrom("persons")
              .select(["id", "account_id", "first_name", "last_name", "location"])
              .where("id", "in", personIds)
              .execute()
              .then((rows) => ownRows(rows, accountId))
          ).map((p) => [p.id, p]),
        );
        const companies = await loadCompanyNames(db, accountId, distinctIds(batch.map((c) => c.company_id)));
        const { emails, phones } = await loadContactChannels(db, accountId, span);
        const history = await loadStatusHistory(db, accountId, span);
        const tags = await loadTags(db, accountId, "client_contact", span);
        const values = await loadFieldValues(db, accountId, "client_contact", span);
        return batch.map((c) => {
          const p = persons.get(c.person_id);
          return [
            ...[c.id, c.person_id, p?.first_name, p?.last_name],
            ...[joinList(emails.get(c.person_id) ?? []), joinList(phones.get(c.person_id) ?? [])],
            ...[p?.location, c.company_id, lookup(companies, c.company_id), c.title, c.status],
            ...[joinList(history.get(c.id) ?? []), c.owner_id, lookup(users, c.owner_id)],
            joinList(tags.get(c.id) ?? []),
            ...fieldCells(fields, values, c.id),
            c.created_at,
            c.updated_at,
          ];
        });
      },
    );
    return { header: fields.header, rows };
  },
};
