/**
 * Custom field columns of a Data Files table (companies, client contacts, jobs): one column per
 * definition of the entity type, headed by the field's label like the Candidates report, in
 * definition order (position, then id), between the table's own columns and the closing
 * "Created At", "Updated At" (the layout of `Candidates.csv`). Values come per batch.
 */
import type { Kysely } from "kysely";
import type { CUSTOM_FIELD_ENTITIES, DB } from "../../../../db/schema/index.js";
import { compareIds } from "../../../compare-ids.js";
import type { CsvValue } from "../../../csv/csv-dialect.js";
import type { Span } from "./keyset.js";
import { joinList, ownRows } from "./lookups.js";

type FieldEntity = (typeof CUSTOM_FIELD_ENTITIES)[number];

/** What a column needs of a definition. */
export interface FieldDefinition {
  id: string;
  key: string;
  label: string;
  type: string;
}

/** The columns every table with custom fields ends with, after the custom field columns. */
export const STAMP_HEADER: readonly string[] = ["Created At", "Updated At"];

/** The custom field columns of one table: definitions in column order, and the whole header. */
export interface CustomFieldColumns {
  definitions: FieldDefinition[];
  /** The table's own columns, one per definition, then {@link STAMP_HEADER}. */
  header: string[];
}

/** Definition id → canonical value, per record id. */
export type FieldValues = Map<string, Map<string, string>>;

/**
 * The definitions of `entityType` as columns after `base` (the table's own columns but the
 * stamps), loaded once per table. Sorted here rather than in SQL so the order never depends on a
 * database collation.
 */
export async function loadCustomFieldColumns(
  db: Kysely<DB>,
  accountId: string,
  entityType: FieldEntity,
  base: readonly string[],
): Promise<CustomFieldColumns> {
  const definitions = await db
    .selectFrom("custom_field_definitions")
    .select(["id", "key", "label", "type", "position"])
    .where("account_id", "=", accountId)
    .where("entity_type", "=", entityType)
    .execute();
  definitions.sort((a, b) => a.position - b.position || compareIds(a.id, b.id));
  return {
    definitions: definitions.map(({ id, key, label, type }) => ({ id, key, label, type })),
    header: [...base, ...uniqueHeaders([...base, ...STAMP_HEADER], definitions), ...STAMP_HEADER],
  };
}

/**
 * Headers for the definitions, unique among themselves and the fixed headers (compared
 * case-insensitively after NFC, as spreadsheets and importers match headers), the way
 * `Candidates.csv` does it: the label; if taken, "Label (custom field)"; if still taken, with
 * " (2)", " (3)"… An empty label falls back to the field's key.
 */
export function uniqueHeaders(fixed: readonly string[], definitions: readonly FieldDefinition[]): string[] {
  const fold = (s: string) => s.normalize("NFC").toLowerCase();
  const taken = new Set(fixed.map(fold));
  return definitions.map((d) => {
    let label = d.label.trim() === "" ? d.key : d.label;
    if (taken.has(fold(label))) label = `${label} (custom field)`;
    let header = label;
    for (let n = 2; taken.has(fold(header)); n++) header = `${label} (${n})`;
    taken.add(fold(header));
    return header;
  });
}

/**
 * Values of the batch's records: `entity_id` in the batch's id range (see {@link Span}) through the
 * `(entity_type, entity_id)` index; other accounts' ids in that range are dropped by {@link ownRows}.
 */
export async function loadFieldValues(
  db: Kysely<DB>,
  accountId: string,
  entityType: FieldEntity,
  span: Span,
): Promise<FieldValues> {
  const rows = await db
    .selectFrom("custom_field_values")
    .select(["account_id", "entity_id", "definition_id", "value"])
    .where("entity_type", "=", entityType)
    .where("entity_id", ">=", span.first)
    .where("entity_id", "<=", span.last)
    .execute();
  const values: FieldValues = new Map();
  for (const r of ownRows(rows, accountId)) {
    const m = values.get(r.entity_id) ?? new Map<string, string>();
    values.set(r.entity_id, m);
    m.set(r.definition_id, r.value);
  }
  return values;
}

/** The custom field cells of one record, in column order. */
export function fieldCells(columns: CustomFieldColumns, values: FieldValues, recordId: string): CsvValue[] {
  const own = values.get(recordId);
  return columns.definitions.map((d) => fieldCell(d.type, own?.get(d.id)));
}

/**
 * A canonical value (see `custom_field_values.value`) as a cell: booleans as booleans (the dialect
 * writes Yes/No), multiselect JSON arrays as a "; " list, everything else (numbers included, so
 * no digit is lost) as stored. A value that does not parse as its type is kept as stored.
 */
export function fieldCell(type: string, value: string | undefined): CsvValue {
  if (value === undefined || value === "") return null;
  if (type === "boolean") return value === "true" ? true : value === "false" ? false : value;
  if (type === "multiselect") {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return joinList(parsed.map((v) => String(v)));
    } catch {
      // not JSON: kept as stored
    }
  }
  return value;
}
