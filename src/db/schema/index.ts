import { clientTables } from "./clients.js";
import type { ColumnSpec } from "./columns.js";
import { exportTables } from "./exports.js";
import { hiringTables } from "./hiring.js";
import { metaTables } from "./meta.js";
import { outboxTables } from "./outbox.js";
import { peopleTables } from "./people.js";
import type { TableSpec } from "./table-spec.js";
import { webTables } from "./web.js";
import { workTables } from "./work.js";

export { CONTACT_STATUSES } from "./clients.js";
export * from "./columns.js";
export * from "./entity-types.js";
export { EXPORT_FORMATS, EXPORT_STATES, EXPORT_TRIGGERS } from "./exports.js";
export { APPLICATION_STATUSES, EMPLOYMENT_TYPES, JOB_STATES, STAGE_TYPES } from "./hiring.js";
export { CUSTOM_FIELD_TYPES } from "./meta.js";
export { EMAIL_KINDS, OUTBOX_STATES } from "./outbox.js";
export { ACCOUNT_STATUSES, ROLES, SOURCE_TYPES } from "./people.js";
export * from "./table-spec.js";
export { ACTIVITY_SUBJECTS } from "./work.js";

/** Every table of the product, by area. */
export const TABLES = {
  ...peopleTables,
  ...clientTables,
  ...hiringTables,
  ...workTables,
  ...metaTables,
  ...exportTables,
  ...outboxTables,
  ...webTables,
} as const;

export type TableName = keyof typeof TABLES;

/**
 * Table names in dependency order: a table comes after every table it references, so inserts in
 * this order never break a foreign key and deletes run in reverse.
 */
export const TABLE_NAMES: readonly TableName[] = topologicalOrder();

function topologicalOrder(): TableName[] {
  const specs = TABLES as Record<string, TableSpec>;
  const done = new Set<string>();
  const order: TableName[] = [];
  const visit = (name: string, path: string[]) => {
    if (done.has(name)) return;
    if (path.includes(name)) throw new Error(`reference cycle: ${[...path, name].join(" → ")}`);
    for (const c of Object.values(specs[name]!.columns)) {
      if (c.references && c.references !== name) visit(c.references, [...path, name]);
    }
    done.add(name);
    order.push(name as TableName);
  };
  for (const name of Object.keys(specs)) visit(name, []);
  return order;
}

/** The catalog entry of a table, typed loosely for generic code. */
export function tableSpec(name: string): TableSpec {
  const spec = (TABLES as Record<string, TableSpec>)[name];
  if (!spec) throw new Error(`unknown table ${name}`);
  return spec;
}

type TsOf<C extends ColumnSpec> = C["type"] extends "integer" | "bigint" | "number"
  ? number
  : C["type"] extends "boolean"
    ? boolean
    : string;

type RowOf<T extends TableSpec> = {
  -readonly [K in keyof T["columns"]]: T["columns"][K]["nullable"] extends true
    ? TsOf<T["columns"][K]> | null
    : TsOf<T["columns"][K]>;
};

/**
 * The Kysely database interface, derived from the catalog. Column names stay snake_case in
 * TypeScript on purpose: rows go straight to the snake_case API and CSV exports, so there is
 * no camelCase mapping to run per row or to drift.
 */
export type DB = { [K in TableName]: RowOf<(typeof TABLES)[K]> };

/** A row of a table as stored. */
export type Row<T extends TableName> = DB[T];
