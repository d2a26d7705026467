import type { ColumnSpec } from "./columns.js";

/**
 * Folders of the snapshot export (docs/EXPORTS.md#the-snapshot); a table is filed under exactly
 * one.
 */
export type SnapshotFolder =
  | "companies"
  | "persons"
  | "jobs"
  | "candidates"
  | "deals"
  | "clientContacts"
  | "sequences"
  | "communication"
  | "tasks"
  | "lists"
  | "reference"
  | "files";

/**
 * Export classification (Ghost's table-lists): every table is either exported, under a snapshot
 * folder and file name, or excluded with a reason a reviewer can judge. The tripwire test
 * (`test/db/table-classification.test.ts`) fails when a table of the database is neither.
 */
export type ExportClass = { folder: SnapshotFolder; file: string } | { excluded: string };

export interface ApiSpec {
  /** URL segment under `/api/v1/`, kebab-case plural. */
  readonly path: string;
  /** Create / update / delete through the API (docs/API.md "the core ones"). */
  readonly write?: boolean;
  /** Minimum role to read; defaults to viewer. */
  readonly readRole?: "viewer" | "recruiter" | "admin" | "owner";
  /** Minimum role to write; defaults to recruiter. */
  readonly writeRole?: "viewer" | "recruiter" | "admin" | "owner";
  /** Columns accepted as `?column=value` list filters (foreign keys usually). */
  readonly filters?: readonly string[];
}

export interface TableSpec {
  readonly columns: Readonly<Record<string, ColumnSpec>>;
  /** `false` only for the accounts table itself; every other table carries `account_id`. */
  readonly accountScoped?: boolean;
  /** A polymorphic reference, cascaded like a foreign key by the delete walker. */
  readonly polymorphic?: { readonly typeColumn: string; readonly idColumn: string };
  readonly unique?: readonly (readonly string[])[];
  readonly indexes?: readonly (readonly string[])[];
  readonly export: ExportClass;
  readonly api?: ApiSpec;
  /** Singular entity word used in tombstones and polymorphic links. */
  readonly entity?: string;
  /** Rows of this table hold personal data of the entity they hang off (erasure scope). */
  readonly description?: string;
}
