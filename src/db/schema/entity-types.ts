/**
 * Polymorphic references (`entity_type` + `entity_id`, or `subject_type` + `subject_id`) name
 * their target with one of these singular words. The map is the one place that ties a word to
 * a table, so the cascade on delete can follow polymorphic links like real foreign keys.
 */
export const ENTITY_TABLES = {
  person: "persons",
  company: "companies",
  client_contact: "client_contacts",
  job: "jobs",
  application: "applications",
  deal: "deals",
  activity: "activities",
  task: "tasks",
  list: "lists",
  sequence: "sequences",
  email: "emails",
} as const;

export type EntityType = keyof typeof ENTITY_TABLES;

export const ENTITY_TYPES = Object.keys(ENTITY_TABLES) as EntityType[];

/** Entities that may carry custom field values (docs/ARCHITECTURE.md#data-model "meta"). */
export const CUSTOM_FIELD_ENTITIES = ["company", "person", "job", "deal", "client_contact"] as const;

/** Entities that may carry attachments (CVs, documents, files on jobs, companies, deals or notes). */
export const ATTACHMENT_ENTITIES = [
  "person",
  "company",
  "job",
  "deal",
  "client_contact",
  "application",
  "activity",
] as const;

/** Entities that may be tagged or put in lists. */
export const TAGGABLE_ENTITIES = ["person", "company", "job", "deal", "client_contact"] as const;
