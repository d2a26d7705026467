import { base, json, oneOf, ref, stamps, text, timestamp } from "./columns.js";
import type { TableSpec } from "./table-spec.js";

export const CONTACT_STATUSES = ["lead", "active", "inactive", "former"] as const;

/** Clients: companies and the people who are our contacts there. */
export const clientTables = {
  companies: {
    entity: "company",
    columns: {
      ...base,
      name: text(),
      domain: text({ nullable: true }),
      industry: text({ nullable: true }),
      size: text({ nullable: true }),
      location: text({ nullable: true }),
      website: text({ nullable: true }),
      phone: text({ nullable: true }),
      owner_id: ref("users", "set null", { nullable: true }),
      enrichment: json({ nullable: true, description: "JSON from outside sources, kept verbatim" }),
      ...stamps,
    },
    indexes: [["account_id", "name"]],
    export: { folder: "companies", file: "companies" },
    api: { path: "companies", write: true, filters: ["owner_id"] },
  },
  client_contacts: {
    entity: "client_contact",
    columns: {
      ...base,
      person_id: ref("persons", "cascade"),
      company_id: ref("companies", "cascade"),
      title: text({ nullable: true }),
      status: oneOf(CONTACT_STATUSES),
      owner_id: ref("users", "set null", { nullable: true }),
      ...stamps,
    },
    unique: [["company_id", "person_id"]],
    indexes: [["person_id"]],
    export: { folder: "clientContacts", file: "client_contacts" },
    api: { path: "client-contacts", write: true, filters: ["person_id", "company_id", "status"] },
  },
  client_contact_status_changes: {
    entity: "client_contact_status_change",
    columns: {
      ...base,
      client_contact_id: ref("client_contacts", "cascade"),
      from_status: oneOf(CONTACT_STATUSES, { nullable: true }),
      to_status: oneOf(CONTACT_STATUSES),
      actor_id: ref("users", "set null", { nullable: true }),
      at: timestamp(),
      ...stamps,
    },
    indexes: [["client_contact_id"]],
    export: { folder: "clientContacts", file: "status_changes" },
    api: { path: "client-contact-status-changes", filters: ["client_contact_id"] },
  },
} as const satisfies Record<string, TableSpec>;
