import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Storage type of each logical column type this migration uses, as it was when the migration
 * was released. Copied rather than imported from `dialect.ts`, so a later change there cannot
 * change the tables this migration creates.
 */
const STORAGE_TYPES: Record<
  DialectName,
  Record<"id" | "text" | "json" | "integer" | "bigint" | "number" | "boolean" | "timestamp" | "date", string>
> = {
  sqlite: {
    id: "text",
    text: "text",
    json: "text",
    integer: "integer",
    bigint: "integer",
    number: "real",
    boolean: "integer",
    timestamp: "text",
    date: "text",
  },
  postgres: {
    id: "text",
    text: "text",
    json: "text",
    integer: "integer",
    bigint: "bigint",
    number: "double precision",
    boolean: "boolean",
    timestamp: "timestamptz(3)",
    date: "date",
  },
};

/**
 * The core schema (the tables of `src/db/schema/`). Frozen: once released, never edited; later changes are new
 * migrations. Foreign keys are declared without ON DELETE actions on purpose: deletes are walked
 * by the app (`repositories/cascade-delete.ts`) so it can write tombstones and queue file
 * erasure; the database constraints remain as a safety net against a missed child.
 * Enumerations are validated by the app rather than CHECK constraints, because SQLite cannot
 * alter a CHECK without rebuilding the table.
 */
export function createCoreSchema(dialect: DialectName) {
  const t = (type: keyof (typeof STORAGE_TYPES)[DialectName]) => sql.raw(STORAGE_TYPES[dialect][type]);
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that no longer matches DB
  const index = (db: Kysely<any>, table: string, columns: string[]) =>
    db.schema
      .createIndex(`${table}_${columns.join("_")}_idx`)
      .on(table)
      .columns(columns)
      .execute();

  return {
    // biome-ignore lint/suspicious/noExplicitAny: see above
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("accounts")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("name", t("text"), (c) => c.notNull())
        .addColumn("time_zone", t("text"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("accounts_name_key", ["name"])
        .execute();

      await db.schema
        .createTable("users")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("name", t("text"), (c) => c.notNull())
        .addColumn("email", t("text"), (c) => c.notNull())
        .addColumn("role", t("text"), (c) => c.notNull())
        .addColumn("status", t("text"), (c) => c.notNull())
        .addColumn("password_hash", t("text"))
        .addColumn("last_login_at", t("timestamp"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("users_account_id_email_key", ["account_id", "email"])
        .execute();
      await index(db, "users", ["account_id", "id"]);
      await index(db, "users", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("api_tokens")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("user_id", t("id"), (c) => c.references("users.id"))
        .addColumn("name", t("text"), (c) => c.notNull())
        .addColumn("role", t("text"), (c) => c.notNull())
        .addColumn("token_prefix", t("text"), (c) => c.notNull())
        .addColumn("token_hash", t("text"), (c) => c.notNull())
        .addColumn("last_used_at", t("timestamp"))
        .addColumn("expires_at", t("timestamp"))
        .addColumn("revoked_at", t("timestamp"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("api_tokens_token_hash_key", ["token_hash"])
        .execute();
      await index(db, "api_tokens", ["account_id", "id"]);
      await index(db, "api_tokens", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("invoices")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("number", t("text"), (c) => c.notNull())
        .addColumn("amount_cents", t("integer"), (c) => c.notNull())
        .addColumn("currency", t("text"), (c) => c.notNull())
        .addColumn("status", t("text"), (c) => c.notNull())
        .addColumn("due_date", t("date"), (c) => c.notNull())
        .addColumn("paid_at", t("timestamp"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("invoices_account_id_number_key", ["account_id", "number"])
        .execute();
      await index(db, "invoices", ["account_id", "id"]);
      await index(db, "invoices", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("sources")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("name", t("text"), (c) => c.notNull())
        .addColumn("source_type", t("text"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("sources_account_id_name_key", ["account_id", "name"])
        .execute();
      await index(db, "sources", ["account_id", "id"]);
      await index(db, "sources", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("persons")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("first_name", t("text"), (c) => c.notNull())
        .addColumn("last_name", t("text"), (c) => c.notNull())
        .addColumn("headline", t("text"))
        .addColumn("location", t("text"))
        .addColumn("source_type", t("text"))
        .addColumn("source_id", t("id"), (c) => c.references("sources.id"))
        .addColumn("referrer", t("text"))
        .addColumn("owner_id", t("id"), (c) => c.references("users.id"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "persons", ["account_id", "id"]);
      await index(db, "persons", ["account_id", "updated_at", "id"]);
      await index(db, "persons", ["account_id", "last_name"]);

      await db.schema
        .createTable("person_emails")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("person_id", t("id"), (c) => c.notNull().references("persons.id"))
        .addColumn("email", t("text"), (c) => c.notNull())
        .addColumn("label", t("text"))
        .addColumn("is_primary", t("boolean"), (c) => c.notNull())
        .addColumn("position", t("integer"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "person_emails", ["account_id", "id"]);
      await index(db, "person_emails", ["account_id", "updated_at", "id"]);
      await index(db, "person_emails", ["person_id"]);

      await db.schema
        .createTable("person_phones")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("person_id", t("id"), (c) => c.notNull().references("persons.id"))
        .addColumn("phone", t("text"), (c) => c.notNull())
        .addColumn("label", t("text"))
        .addColumn("is_primary", t("boolean"), (c) => c.notNull())
        .addColumn("position", t("integer"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "person_phones", ["account_id", "id"]);
      await index(db, "person_phones", ["account_id", "updated_at", "id"]);
      await index(db, "person_phones", ["person_id"]);

      await db.schema
        .createTable("person_links")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("person_id", t("id"), (c) => c.notNull().references("persons.id"))
        .addColumn("url", t("text"), (c) => c.notNull())
        .addColumn("kind", t("text"), (c) => c.notNull())
        .addColumn("position", t("integer"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "person_links", ["account_id", "id"]);
      await index(db, "person_links", ["account_id", "updated_at", "id"]);
      await index(db, "person_links", ["person_id"]);

      await db.schema
        .createTable("companies")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("name", t("text"), (c) => c.notNull())
        .addColumn("domain", t("text"))
        .addColumn("industry", t("text"))
        .addColumn("size", t("text"))
        .addColumn("location", t("text"))
        .addColumn("website", t("text"))
        .addColumn("phone", t("text"))
        .addColumn("owner_id", t("id"), (c) => c.references("users.id"))
        .addColumn("enrichment", t("json"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "companies", ["account_id", "id"]);
      await index(db, "companies", ["account_id", "updated_at", "id"]);
      await index(db, "companies", ["account_id", "name"]);

      await db.schema
        .createTable("work_history")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("person_id", t("id"), (c) => c.notNull().references("persons.id"))
        .addColumn("company_id", t("id"), (c) => c.references("companies.id"))
        .addColumn("company_name", t("text"), (c) => c.notNull())
        .addColumn("title", t("text"))
        .addColumn("location", t("text"))
        .addColumn("start_date", t("date"))
        .addColumn("end_date", t("date"))
        .addColumn("is_current", t("boolean"), (c) => c.notNull())
        .addColumn("description", t("text"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "work_history", ["account_id", "id"]);
      await index(db, "work_history", ["account_id", "updated_at", "id"]);
      await index(db, "work_history", ["person_id"]);

      await db.schema
        .createTable("education")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("person_id", t("id"), (c) => c.notNull().references("persons.id"))
        .addColumn("school", t("text"), (c) => c.notNull())
        .addColumn("degree", t("text"))
        .addColumn("field_of_study", t("text"))
        .addColumn("start_date", t("date"))
        .addColumn("end_date", t("date"))
        .addColumn("description", t("text"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "education", ["account_id", "id"]);
      await index(db, "education", ["account_id", "updated_at", "id"]);
      await index(db, "education", ["person_id"]);

      await db.schema
        .createTable("client_contacts")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("person_id", t("id"), (c) => c.notNull().references("persons.id"))
        .addColumn("company_id", t("id"), (c) => c.notNull().references("companies.id"))
        .addColumn("title", t("text"))
        .addColumn("status", t("text"), (c) => c.notNull())
        .addColumn("owner_id", t("id"), (c) => c.references("users.id"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("client_contacts_company_id_person_id_key", ["company_id", "person_id"])
        .execute();
      await index(db, "client_contacts", ["account_id", "id"]);
      await index(db, "client_contacts", ["account_id", "updated_at", "id"]);
      await index(db, "client_contacts", ["person_id"]);

      await db.schema
        .createTable("client_contact_status_changes")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("client_contact_id", t("id"), (c) => c.notNull().references("client_contacts.id"))
        .addColumn("from_status", t("text"))
        .addColumn("to_status", t("text"), (c) => c.notNull())
        .addColumn("actor_id", t("id"), (c) => c.references("users.id"))
        .addColumn("at", t("timestamp"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "client_contact_status_changes", ["account_id", "id"]);
      await index(db, "client_contact_status_changes", ["account_id", "updated_at", "id"]);
      await index(db, "client_contact_status_changes", ["client_contact_id"]);

      await db.schema
        .createTable("jobs")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("title", t("text"), (c) => c.notNull())
        .addColumn("company_id", t("id"), (c) => c.references("companies.id"))
        .addColumn("department", t("text"))
        .addColumn("location", t("text"))
        .addColumn("employment_type", t("text"))
        .addColumn("state", t("text"), (c) => c.notNull())
        .addColumn("owner_id", t("id"), (c) => c.references("users.id"))
        .addColumn("openings", t("integer"))
        .addColumn("description", t("text"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "jobs", ["account_id", "id"]);
      await index(db, "jobs", ["account_id", "updated_at", "id"]);
      await index(db, "jobs", ["company_id"]);

      await db.schema
        .createTable("stage_definitions")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("name", t("text"), (c) => c.notNull())
        .addColumn("position", t("integer"), (c) => c.notNull())
        .addColumn("type", t("text"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "stage_definitions", ["account_id", "id"]);
      await index(db, "stage_definitions", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("pipeline_stages")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("job_id", t("id"), (c) => c.notNull().references("jobs.id"))
        .addColumn("name", t("text"), (c) => c.notNull())
        .addColumn("position", t("integer"), (c) => c.notNull())
        .addColumn("type", t("text"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "pipeline_stages", ["account_id", "id"]);
      await index(db, "pipeline_stages", ["account_id", "updated_at", "id"]);
      await index(db, "pipeline_stages", ["job_id"]);

      await db.schema
        .createTable("job_team_members")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("job_id", t("id"), (c) => c.notNull().references("jobs.id"))
        .addColumn("user_id", t("id"), (c) => c.notNull().references("users.id"))
        .addColumn("role", t("text"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("job_team_members_job_id_user_id_key", ["job_id", "user_id"])
        .execute();
      await index(db, "job_team_members", ["account_id", "id"]);
      await index(db, "job_team_members", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("job_client_contacts")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("job_id", t("id"), (c) => c.notNull().references("jobs.id"))
        .addColumn("client_contact_id", t("id"), (c) => c.notNull().references("client_contacts.id"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("job_client_contacts_job_id_client_contact_id_key", [
          "job_id",
          "client_contact_id",
        ])
        .execute();
      await index(db, "job_client_contacts", ["account_id", "id"]);
      await index(db, "job_client_contacts", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("job_target_companies")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("job_id", t("id"), (c) => c.notNull().references("jobs.id"))
        .addColumn("company_id", t("id"), (c) => c.notNull().references("companies.id"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("job_target_companies_job_id_company_id_key", ["job_id", "company_id"])
        .execute();
      await index(db, "job_target_companies", ["account_id", "id"]);
      await index(db, "job_target_companies", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("applications")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("person_id", t("id"), (c) => c.notNull().references("persons.id"))
        .addColumn("job_id", t("id"), (c) => c.notNull().references("jobs.id"))
        .addColumn("stage_id", t("id"), (c) => c.notNull().references("pipeline_stages.id"))
        .addColumn("status", t("text"), (c) => c.notNull())
        .addColumn("decision_reason", t("text"))
        .addColumn("archived", t("boolean"), (c) => c.notNull())
        .addColumn("assigned_to_id", t("id"), (c) => c.references("users.id"))
        .addColumn("applied_at", t("timestamp"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("applications_job_id_person_id_key", ["job_id", "person_id"])
        .execute();
      await index(db, "applications", ["account_id", "id"]);
      await index(db, "applications", ["account_id", "updated_at", "id"]);
      await index(db, "applications", ["person_id"]);
      await index(db, "applications", ["stage_id"]);

      await db.schema
        .createTable("stage_events")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("application_id", t("id"), (c) => c.notNull().references("applications.id"))
        .addColumn("from_stage_id", t("id"), (c) => c.references("pipeline_stages.id"))
        .addColumn("to_stage_id", t("id"), (c) => c.references("pipeline_stages.id"))
        .addColumn("actor_id", t("id"), (c) => c.references("users.id"))
        .addColumn("at", t("timestamp"), (c) => c.notNull())
        .addColumn("reason", t("text"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "stage_events", ["account_id", "id"]);
      await index(db, "stage_events", ["account_id", "updated_at", "id"]);
      await index(db, "stage_events", ["application_id"]);

      await db.schema
        .createTable("assessments")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("application_id", t("id"), (c) => c.notNull().references("applications.id"))
        .addColumn("kind", t("text"), (c) => c.notNull())
        .addColumn("score", t("number"))
        .addColumn("rating", t("integer"))
        .addColumn("author_id", t("id"), (c) => c.references("users.id"))
        .addColumn("notes", t("text"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "assessments", ["account_id", "id"]);
      await index(db, "assessments", ["account_id", "updated_at", "id"]);
      await index(db, "assessments", ["application_id"]);

      await db.schema
        .createTable("activities")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("kind", t("text"), (c) => c.notNull())
        .addColumn("subject_type", t("text"), (c) => c.notNull())
        .addColumn("subject_id", t("id"), (c) => c.notNull())
        .addColumn("author_id", t("id"), (c) => c.references("users.id"))
        .addColumn("body", t("text"), (c) => c.notNull())
        .addColumn("at", t("timestamp"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "activities", ["account_id", "id"]);
      await index(db, "activities", ["account_id", "updated_at", "id"]);
      await index(db, "activities", ["subject_type", "subject_id"]);

      await db.schema
        .createTable("tasks")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("title", t("text"), (c) => c.notNull())
        .addColumn("description", t("text"))
        .addColumn("status", t("text"), (c) => c.notNull())
        .addColumn("due_at", t("timestamp"))
        .addColumn("assignee_id", t("id"), (c) => c.references("users.id"))
        .addColumn("related_type", t("text"))
        .addColumn("related_id", t("id"))
        .addColumn("completed_at", t("timestamp"))
        .addColumn("created_by_id", t("id"), (c) => c.references("users.id"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "tasks", ["account_id", "id"]);
      await index(db, "tasks", ["account_id", "updated_at", "id"]);
      await index(db, "tasks", ["related_type", "related_id"]);

      await db.schema
        .createTable("deals")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("name", t("text"), (c) => c.notNull())
        .addColumn("company_id", t("id"), (c) => c.references("companies.id"))
        .addColumn("value_cents", t("bigint"))
        .addColumn("currency", t("text"))
        .addColumn("stage", t("text"), (c) => c.notNull())
        .addColumn("status", t("text"), (c) => c.notNull())
        .addColumn("owner_id", t("id"), (c) => c.references("users.id"))
        .addColumn("expected_close_date", t("date"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "deals", ["account_id", "id"]);
      await index(db, "deals", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("deal_contacts")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("deal_id", t("id"), (c) => c.notNull().references("deals.id"))
        .addColumn("client_contact_id", t("id"), (c) => c.notNull().references("client_contacts.id"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("deal_contacts_deal_id_client_contact_id_key", ["deal_id", "client_contact_id"])
        .execute();
      await index(db, "deal_contacts", ["account_id", "id"]);
      await index(db, "deal_contacts", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("deal_jobs")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("deal_id", t("id"), (c) => c.notNull().references("deals.id"))
        .addColumn("job_id", t("id"), (c) => c.notNull().references("jobs.id"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("deal_jobs_deal_id_job_id_key", ["deal_id", "job_id"])
        .execute();
      await index(db, "deal_jobs", ["account_id", "id"]);
      await index(db, "deal_jobs", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("email_templates")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("name", t("text"), (c) => c.notNull())
        .addColumn("subject", t("text"), (c) => c.notNull())
        .addColumn("body", t("text"), (c) => c.notNull())
        .addColumn("created_by_id", t("id"), (c) => c.references("users.id"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "email_templates", ["account_id", "id"]);
      await index(db, "email_templates", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("sequences")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("name", t("text"), (c) => c.notNull())
        .addColumn("status", t("text"), (c) => c.notNull())
        .addColumn("owner_id", t("id"), (c) => c.references("users.id"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "sequences", ["account_id", "id"]);
      await index(db, "sequences", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("sequence_steps")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("sequence_id", t("id"), (c) => c.notNull().references("sequences.id"))
        .addColumn("position", t("integer"), (c) => c.notNull())
        .addColumn("kind", t("text"), (c) => c.notNull())
        .addColumn("delay_days", t("integer"), (c) => c.notNull())
        .addColumn("template_id", t("id"), (c) => c.references("email_templates.id"))
        .addColumn("subject", t("text"))
        .addColumn("body", t("text"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "sequence_steps", ["account_id", "id"]);
      await index(db, "sequence_steps", ["account_id", "updated_at", "id"]);
      await index(db, "sequence_steps", ["sequence_id"]);

      await db.schema
        .createTable("sequence_enrollments")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("sequence_id", t("id"), (c) => c.notNull().references("sequences.id"))
        .addColumn("person_id", t("id"), (c) => c.notNull().references("persons.id"))
        .addColumn("status", t("text"), (c) => c.notNull())
        .addColumn("current_step", t("integer"), (c) => c.notNull())
        .addColumn("enrolled_by_id", t("id"), (c) => c.references("users.id"))
        .addColumn("enrolled_at", t("timestamp"), (c) => c.notNull())
        .addColumn("finished_at", t("timestamp"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "sequence_enrollments", ["account_id", "id"]);
      await index(db, "sequence_enrollments", ["account_id", "updated_at", "id"]);
      await index(db, "sequence_enrollments", ["sequence_id"]);
      await index(db, "sequence_enrollments", ["person_id"]);

      await db.schema
        .createTable("sequence_settings")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("sequence_id", t("id"), (c) => c.notNull().references("sequences.id"))
        .addColumn("stop_on_reply", t("boolean"), (c) => c.notNull())
        .addColumn("skip_weekends", t("boolean"), (c) => c.notNull())
        .addColumn("send_window_start", t("text"), (c) => c.notNull())
        .addColumn("send_window_end", t("text"), (c) => c.notNull())
        .addColumn("time_zone", t("text"), (c) => c.notNull())
        .addColumn("daily_limit", t("integer"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("sequence_settings_sequence_id_key", ["sequence_id"])
        .execute();
      await index(db, "sequence_settings", ["account_id", "id"]);
      await index(db, "sequence_settings", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("emails")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("person_id", t("id"), (c) => c.notNull().references("persons.id"))
        .addColumn("sender_id", t("id"), (c) => c.references("users.id"))
        .addColumn("template_id", t("id"), (c) => c.references("email_templates.id"))
        .addColumn("sequence_step_id", t("id"), (c) => c.references("sequence_steps.id"))
        .addColumn("from_address", t("text"), (c) => c.notNull())
        .addColumn("to_address", t("text"), (c) => c.notNull())
        .addColumn("subject", t("text"), (c) => c.notNull())
        .addColumn("body", t("text"), (c) => c.notNull())
        .addColumn("status", t("text"), (c) => c.notNull())
        .addColumn("sent_at", t("timestamp"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "emails", ["account_id", "id"]);
      await index(db, "emails", ["account_id", "updated_at", "id"]);
      await index(db, "emails", ["person_id"]);

      await db.schema
        .createTable("email_responses")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("email_id", t("id"), (c) => c.notNull().references("emails.id"))
        .addColumn("person_id", t("id"), (c) => c.notNull().references("persons.id"))
        .addColumn("body", t("text"), (c) => c.notNull())
        .addColumn("sentiment", t("text"))
        .addColumn("received_at", t("timestamp"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "email_responses", ["account_id", "id"]);
      await index(db, "email_responses", ["account_id", "updated_at", "id"]);
      await index(db, "email_responses", ["email_id"]);
      await index(db, "email_responses", ["person_id"]);

      await db.schema
        .createTable("lists")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("name", t("text"), (c) => c.notNull())
        .addColumn("kind", t("text"), (c) => c.notNull())
        .addColumn("parent_id", t("id"), (c) => c.references("lists.id"))
        .addColumn("entity_type", t("text"))
        .addColumn("owner_id", t("id"), (c) => c.references("users.id"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "lists", ["account_id", "id"]);
      await index(db, "lists", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("list_members")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("list_id", t("id"), (c) => c.notNull().references("lists.id"))
        .addColumn("entity_type", t("text"), (c) => c.notNull())
        .addColumn("entity_id", t("id"), (c) => c.notNull())
        .addColumn("added_by_id", t("id"), (c) => c.references("users.id"))
        .addColumn("added_at", t("timestamp"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("list_members_list_id_entity_type_entity_id_key", [
          "list_id",
          "entity_type",
          "entity_id",
        ])
        .execute();
      await index(db, "list_members", ["account_id", "id"]);
      await index(db, "list_members", ["account_id", "updated_at", "id"]);
      await index(db, "list_members", ["entity_type", "entity_id"]);

      await db.schema
        .createTable("attachments")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("entity_type", t("text"), (c) => c.notNull())
        .addColumn("entity_id", t("id"), (c) => c.notNull())
        .addColumn("file_name", t("text"), (c) => c.notNull())
        .addColumn("content_type", t("text"), (c) => c.notNull())
        .addColumn("size_bytes", t("bigint"), (c) => c.notNull())
        .addColumn("sha256", t("text"), (c) => c.notNull())
        .addColumn("storage_key", t("text"), (c) => c.notNull())
        .addColumn("internal_cv", t("boolean"), (c) => c.notNull())
        .addColumn("uploaded_by_id", t("id"), (c) => c.references("users.id"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "attachments", ["account_id", "id"]);
      await index(db, "attachments", ["account_id", "updated_at", "id"]);
      await index(db, "attachments", ["entity_type", "entity_id"]);

      await db.schema
        .createTable("custom_field_definitions")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("entity_type", t("text"), (c) => c.notNull())
        .addColumn("key", t("text"), (c) => c.notNull())
        .addColumn("label", t("text"), (c) => c.notNull())
        .addColumn("type", t("text"), (c) => c.notNull())
        .addColumn("options", t("json"))
        .addColumn("position", t("integer"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("custom_field_definitions_account_id_entity_type_key_key", [
          "account_id",
          "entity_type",
          "key",
        ])
        .execute();
      await index(db, "custom_field_definitions", ["account_id", "id"]);
      await index(db, "custom_field_definitions", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("custom_field_values")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("definition_id", t("id"), (c) => c.notNull().references("custom_field_definitions.id"))
        .addColumn("entity_type", t("text"), (c) => c.notNull())
        .addColumn("entity_id", t("id"), (c) => c.notNull())
        .addColumn("value", t("text"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("custom_field_values_definition_id_entity_id_key", [
          "definition_id",
          "entity_id",
        ])
        .execute();
      await index(db, "custom_field_values", ["account_id", "id"]);
      await index(db, "custom_field_values", ["account_id", "updated_at", "id"]);
      await index(db, "custom_field_values", ["entity_type", "entity_id"]);

      await db.schema
        .createTable("tags")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("name", t("text"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("tags_account_id_name_key", ["account_id", "name"])
        .execute();
      await index(db, "tags", ["account_id", "id"]);
      await index(db, "tags", ["account_id", "updated_at", "id"]);

      await db.schema
        .createTable("taggings")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("tag_id", t("id"), (c) => c.notNull().references("tags.id"))
        .addColumn("entity_type", t("text"), (c) => c.notNull())
        .addColumn("entity_id", t("id"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .addUniqueConstraint("taggings_tag_id_entity_type_entity_id_key", [
          "tag_id",
          "entity_type",
          "entity_id",
        ])
        .execute();
      await index(db, "taggings", ["account_id", "id"]);
      await index(db, "taggings", ["account_id", "updated_at", "id"]);
      await index(db, "taggings", ["entity_type", "entity_id"]);

      await db.schema
        .createTable("audit_log")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("actor_type", t("text"), (c) => c.notNull())
        .addColumn("actor_id", t("id"))
        .addColumn("action", t("text"), (c) => c.notNull())
        .addColumn("entity_type", t("text"))
        .addColumn("entity_id", t("id"))
        .addColumn("at", t("timestamp"), (c) => c.notNull())
        .addColumn("changes", t("json"))
        .addColumn("ip", t("text"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "audit_log", ["account_id", "id"]);
      await index(db, "audit_log", ["account_id", "updated_at", "id"]);
      await index(db, "audit_log", ["account_id", "at"]);
      await index(db, "audit_log", ["entity_type", "entity_id"]);

      await db.schema
        .createTable("deletions")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("entity_type", t("text"), (c) => c.notNull())
        .addColumn("entity_id", t("id"), (c) => c.notNull())
        .addColumn("deleted_at", t("timestamp"), (c) => c.notNull())
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "deletions", ["account_id", "id"]);
      await index(db, "deletions", ["account_id", "updated_at", "id"]);
      await index(db, "deletions", ["account_id", "deleted_at"]);

      await db.schema
        .createTable("pending_blob_deletions")
        .addColumn("id", t("id"), (c) => c.primaryKey())
        .addColumn("account_id", t("id"), (c) => c.notNull().references("accounts.id"))
        .addColumn("storage_key", t("text"), (c) => c.notNull())
        .addColumn("attempts", t("integer"), (c) => c.notNull())
        .addColumn("last_error", t("text"))
        .addColumn("created_at", t("timestamp"), (c) => c.notNull())
        .addColumn("updated_at", t("timestamp"), (c) => c.notNull())
        .execute();
      await index(db, "pending_blob_deletions", ["account_id", "id"]);
      await index(db, "pending_blob_deletions", ["account_id", "updated_at", "id"]);
    },
    // biome-ignore lint/suspicious/noExplicitAny: see above
    async down(db: Kysely<any>): Promise<void> {
      for (const table of TABLES_IN_CREATION_ORDER.toReversed())
        await db.schema.dropTable(table).ifExists().execute();
    },
  };
}

const TABLES_IN_CREATION_ORDER = [
  "accounts",
  "users",
  "api_tokens",
  "invoices",
  "sources",
  "persons",
  "person_emails",
  "person_phones",
  "person_links",
  "companies",
  "work_history",
  "education",
  "client_contacts",
  "client_contact_status_changes",
  "jobs",
  "stage_definitions",
  "pipeline_stages",
  "job_team_members",
  "job_client_contacts",
  "job_target_companies",
  "applications",
  "stage_events",
  "assessments",
  "activities",
  "tasks",
  "deals",
  "deal_contacts",
  "deal_jobs",
  "email_templates",
  "sequences",
  "sequence_steps",
  "sequence_enrollments",
  "sequence_settings",
  "emails",
  "email_responses",
  "lists",
  "list_members",
  "attachments",
  "custom_field_definitions",
  "custom_field_values",
  "tags",
  "taggings",
  "audit_log",
  "deletions",
  "pending_blob_deletions",
];
