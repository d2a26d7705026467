import { type TSchema, Type } from "@sinclair/typebox";
import type { ColumnSpec, TableName } from "../../db/schema/index.js";
import { CUSTOM_FIELD_ENTITIES, numberBounds, TAGGABLE_ENTITIES, tableSpec } from "../../db/schema/index.js";
import { writableColumns } from "../../services/entity-input.js";
import { defaultedColumns } from "../../services/entity-rules/index.js";
import { ColumnText, Id, Nullable, StringEnum, Text } from "../validation/formats.js";
import { READ_ONLY_FIELDS } from "../validation/validator-compiler.js";
import { customFieldsInput, outputExtras, personInputExtras, tagsInput } from "./nested.schema.js";
import { outputColumn } from "./output.schema.js";

/** The catalog entity word of a table (`person`), or the table name. */
export function entityOf(table: TableName): string {
  return tableSpec(table).entity ?? table;
}

function hasEntity(list: readonly string[], table: TableName): boolean {
  return list.includes(entityOf(table));
}

/** Input schema of one column: its type, enum, format; `null` allowed only when nullable. */
export function inputColumn(col: ColumnSpec): TSchema {
  const opts = col.description ? { description: col.description } : {};
  let schema: TSchema;
  switch (col.type) {
    case "id":
      schema = Id(opts);
      break;
    case "text":
      schema = col.values ? StringEnum(col.values, opts) : ColumnText(col, opts);
      break;
    case "integer":
    case "bigint":
      schema = Type.Integer({ ...numberBounds(col), ...opts });
      break;
    case "number":
      schema = Type.Number({ ...numberBounds(col), ...opts });
      break;
    case "boolean":
      schema = Type.Boolean(opts);
      break;
    case "timestamp":
      schema = Type.String({ format: "date-time", ...opts });
      break;
    case "date":
      schema = Type.String({ format: "date", ...opts });
      break;
    case "json":
      // Stored verbatim as JSON text; objects and arrays only, so a typo'd string is caught.
      schema = Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Array(Type.Unknown())], opts);
      break;
  }
  return col.nullable ? Nullable(schema) : schema;
}

/** Extra input keys of a table, handled by the service's rules (nested emails, tags, …). */
function inputExtras(table: TableName): Record<string, TSchema> {
  const extras: Record<string, TSchema> = {};
  if (table === "persons") Object.assign(extras, personInputExtras());
  if (hasEntity(TAGGABLE_ENTITIES, table)) extras.tags = tagsInput();
  if (hasEntity(CUSTOM_FIELD_ENTITIES, table)) extras.custom_fields = customFieldsInput();
  if (table === "applications") {
    extras.stage_reason = Type.Optional(Nullable(Text({ description: "recorded on the stage event" })));
  }
  return extras;
}

/**
 * Body schema of a create (`partial: false`) or an update (`partial: true`). Unknown fields are
 * refused (`additionalProperties: false`), so a typo is a 422 naming it rather than silently lost.
 */
export function inputSchema(table: TableName, partial: boolean): TSchema {
  const spec = tableSpec(table);
  const defaults = defaultedColumns(table);
  const props: Record<string, TSchema> = {};
  for (const [name, col] of writableColumns(spec)) {
    const required = !partial && !col.nullable && !defaults.has(name);
    props[name] = required ? inputColumn(col) : Type.Optional(inputColumn(col));
  }
  for (const [name, schema] of Object.entries(inputExtras(table))) props[name] = Type.Optional(schema);
  const readOnly = Object.keys(spec.columns).filter((n) => !(n in props));
  return Type.Object(props, {
    additionalProperties: false,
    [READ_ONLY_FIELDS]: readOnly,
    title: `${entityOf(table)}.${partial ? "update" : "create"}`,
  });
}

/** Response schema of one row: every column but secrets, plus the embedded extras. */
export function rowSchema(table: TableName): TSchema {
  const spec = tableSpec(table);
  const props: Record<string, TSchema> = {};
  for (const [name, col] of Object.entries(spec.columns)) {
    if (!col.secret) props[name] = outputColumn(col);
  }
  const entity = entityOf(table);
  Object.assign(
    props,
    outputExtras(table, hasEntity(TAGGABLE_ENTITIES, table), hasEntity(CUSTOM_FIELD_ENTITIES, table)),
  );
  return Type.Object(props, { additionalProperties: false, title: entity });
}

/** Query schema of a list: page size, cursor, `updated_since`, and the table's filters. */
export function listQuerySchema(table: TableName): TSchema {
  const spec = tableSpec(table);
  const props: Record<string, TSchema> = {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: "page size" })),
    cursor: Type.Optional(
      Text({ minLength: 1, maxLength: 1000, description: "`next_cursor` of the previous page" }),
    ),
    updated_since: Type.Optional(
      Type.String({ format: "date-time", description: "only rows updated at or after this instant" }),
    ),
  };
  if (table === "deletions") {
    props.since = Type.Optional(
      Type.String({ format: "date-time", description: "tombstones written at or after this instant" }),
    );
  }
  for (const name of spec.api?.filters ?? []) {
    const col = spec.columns[name];
    if (!col) continue;
    props[name] = Type.Optional(filterSchema(col));
  }
  return Type.Object(props, { additionalProperties: false });
}

/** Filters arrive as text and reach the service as text; the schema only checks their shape. */
function filterSchema(col: ColumnSpec): TSchema {
  if (col.type === "id") return Id({ description: "equality filter" });
  if (col.type === "boolean") return StringEnum(["true", "false"] as const);
  if (col.values) return StringEnum(col.values);
  return Text({ maxLength: 1000, description: "equality filter" });
}
