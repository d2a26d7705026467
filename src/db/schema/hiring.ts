import { base, boolean, integer, NOT_BLANK, number, oneOf, ref, stamps, text, timestamp } from "./columns.js";
import type { TableSpec } from "./table-spec.js";

export const JOB_STATES = ["draft", "published", "closed", "archived"] as const;
export const STAGE_TYPES = ["sourced", "applied", "screen", "interview", "offer", "hired"] as const;
export const APPLICATION_STATUSES = ["active", "hired", "rejected", "withdrawn"] as const;
export const EMPLOYMENT_TYPES = ["full_time", "part_time", "contract", "temporary", "internship"] as const;

/** Hiring: openings, their pipelines and teams, and applications moving through them. */
export const hiringTables = {
  jobs: {
    entity: "job",
    columns: {
      ...base,
      title: text(NOT_BLANK),
      company_id: ref("companies", "set null", { nullable: true }),
      department: text({ nullable: true }),
      location: text({ nullable: true }),
      employment_type: oneOf(EMPLOYMENT_TYPES, { nullable: true }),
      state: oneOf(JOB_STATES),
      owner_id: ref("users", "set null", { nullable: true }),
      openings: integer({ nullable: true, minimum: 0 }),
      description: text({ nullable: true }),
      ...stamps,
    },
    indexes: [["company_id"]],
    export: { folder: "jobs", file: "jobs" },
    api: { path: "jobs", write: true, filters: ["company_id", "owner_id", "state"] },
  },
  stage_definitions: {
    entity: "stage_definition",
    columns: { ...base, name: text(), position: integer(), type: oneOf(STAGE_TYPES), ...stamps },
    export: { folder: "reference", file: "pipeline_stage_definitions" },
    api: { path: "stage-definitions", write: true, writeRole: "admin" },
    description: "the account's default pipeline, copied into each new job",
  },
  pipeline_stages: {
    entity: "pipeline_stage",
    columns: {
      ...base,
      job_id: ref("jobs", "cascade"),
      name: text(),
      position: integer(),
      type: oneOf(STAGE_TYPES),
      ...stamps,
    },
    indexes: [["job_id"]],
    export: { folder: "jobs", file: "pipeline_stages" },
    api: { path: "pipeline-stages", write: true, filters: ["job_id"] },
  },
  job_team_members: {
    entity: "job_team_member",
    columns: {
      ...base,
      job_id: ref("jobs", "cascade"),
      user_id: ref("users", "cascade"),
      role: oneOf(["recruiter", "hiring_manager", "interviewer", "coordinator"] as const),
      ...stamps,
    },
    unique: [["job_id", "user_id"]],
    export: { folder: "jobs", file: "team_members" },
    api: { path: "job-team-members", write: true, filters: ["job_id", "user_id"] },
  },
  job_client_contacts: {
    entity: "job_client_contact",
    columns: {
      ...base,
      job_id: ref("jobs", "cascade"),
      client_contact_id: ref("client_contacts", "cascade"),
      ...stamps,
    },
    unique: [["job_id", "client_contact_id"]],
    export: { folder: "jobs", file: "client_contacts" },
    api: { path: "job-client-contacts", write: true, filters: ["job_id", "client_contact_id"] },
  },
  job_target_companies: {
    entity: "job_target_company",
    columns: { ...base, job_id: ref("jobs", "cascade"), company_id: ref("companies", "cascade"), ...stamps },
    unique: [["job_id", "company_id"]],
    export: { folder: "jobs", file: "target_companies" },
    api: { path: "job-target-companies", write: true, filters: ["job_id", "company_id"] },
  },
  applications: {
    entity: "application",
    columns: {
      ...base,
      person_id: ref("persons", "cascade"),
      job_id: ref("jobs", "cascade"),
      stage_id: ref("pipeline_stages", "restrict"),
      status: oneOf(APPLICATION_STATUSES),
      decision_reason: text({ nullable: true }),
      archived: boolean(),
      assigned_to_id: ref("users", "set null", { nullable: true }),
      applied_at: timestamp(),
      ...stamps,
    },
    unique: [["job_id", "person_id"]],
    indexes: [["person_id"], ["stage_id"]],
    export: { folder: "candidates", file: "applications" },
    api: { path: "applications", write: true, filters: ["person_id", "job_id", "stage_id", "status"] },
  },
  stage_events: {
    entity: "stage_event",
    columns: {
      ...base,
      application_id: ref("applications", "cascade"),
      from_stage_id: ref("pipeline_stages", "set null", { nullable: true }),
      to_stage_id: ref("pipeline_stages", "set null", { nullable: true }),
      actor_id: ref("users", "set null", { nullable: true }),
      at: timestamp(),
      reason: text({ nullable: true }),
      ...stamps,
    },
    indexes: [["application_id"]],
    export: { folder: "candidates", file: "stage_history" },
    api: { path: "stage-events", filters: ["application_id"] },
  },
  assessments: {
    entity: "assessment",
    columns: {
      ...base,
      application_id: ref("applications", "cascade"),
      kind: oneOf(["scorecard", "interview", "test", "reference_check", "other"] as const),
      score: number({ nullable: true }),
      rating: integer({
        nullable: true,
        minimum: 1,
        maximum: 5,
        description: "1 (strong no) to 5 (strong yes)",
      }),
      author_id: ref("users", "set null", { nullable: true }),
      notes: text({ nullable: true }),
      ...stamps,
    },
    indexes: [["application_id"]],
    export: { folder: "candidates", file: "assessments" },
    api: { path: "assessments", write: true, filters: ["application_id"] },
  },
} as const satisfies Record<string, TableSpec>;
