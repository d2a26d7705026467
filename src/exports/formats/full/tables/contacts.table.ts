/**
 * `Contacts.csv`: one row per client contact (a person at a company), with the person's names,
 * e-mails and phones, the company, the status and its history, tags and client contact custom
 * fields.
 */
import { loadTags } from "../../../records/tags.js";
import { loadContactChannels, loadStatusHistory } from "./contact-details.js";
import { STAMP_COLUMNS, selectRows } from "./data-table.js";
import { distinctIds, joinList, loadNames, loadUserNames, lookup, ownRows } from "./lookups.js";

const contacts = selectRows("client_contacts", [
  ...(["person_id", "company_id", "title", "status", "owner_id", "created_at", "updated_at"] as const),
]);

/** `Contacts.csv` of the Data Files zip. */
export const contactsTable = contacts.asCsv({
  file: "Contacts.csv",
  rowsOf: "client_contacts",
  description:
    "Client contacts (person ↔ company): names, e-mails, phones, company, title, status and its history, custom fields.",
  once: async ({ db, accountId }) => ({ users: await loadUserNames(db, accountId) }),
  batch: async ({ db, accountId }, batch, span) => {
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
    const companies = await loadNames(db, accountId, "company", distinctIds(batch.map((c) => c.company_id)));
    const { emails, phones } = await loadContactChannels(db, accountId, span);
    const history = await loadStatusHistory(db, accountId, span);
    const tags = await loadTags(db, accountId, "client_contact", span);
    return { persons, companies, emails, phones, history, tags };
  },
  customFields: "client_contact",
  columns: [
    { header: "Contact ID", cell: (c) => c.id },
    { header: "Person ID", cell: (c) => c.person_id },
    { header: "First Name", cell: (c, lk) => lk.persons.get(c.person_id)?.first_name },
    { header: "Last Name", cell: (c, lk) => lk.persons.get(c.person_id)?.last_name },
    { header: "Emails", cell: (c, lk) => joinList(lk.emails.get(c.person_id) ?? []) },
    { header: "Phones", cell: (c, lk) => joinList(lk.phones.get(c.person_id) ?? []) },
    { header: "Location", cell: (c, lk) => lk.persons.get(c.person_id)?.location },
    { header: "Company ID", cell: (c) => c.company_id },
    { header: "Company Name", cell: (c, lk) => lookup(lk.companies, c.company_id) },
    { header: "Title", cell: (c) => c.title },
    { header: "Status", cell: (c) => c.status },
    { header: "Status History", cell: (c, lk) => joinList(lk.history.get(c.id) ?? []) },
    { header: "Owner ID", cell: (c) => c.owner_id },
    { header: "Owner", cell: (c, lk) => lookup(lk.users, c.owner_id) },
    { header: "Tags", cell: (c, lk) => joinList(lk.tags.get(c.id) ?? []) },
    ...STAMP_COLUMNS,
  ],
});
