import { type TSchema, Type } from "@sinclair/typebox";
import type { ColumnSpec } from "../../db/schema/index.js";

const JSON_TYPES: Record<ColumnSpec["type"], string | undefined> = {
  id: "string",
  text: "string",
  integer: "integer",
  bigint: "integer",
  number: "number",
  boolean: "boolean",
  timestamp: "string",
  date: "string",
  json: undefined,
};

/**
 * Response schema of one column. Plain JSON Schema with type arrays (`["string", "null"]`,
 * valid in OpenAPI 3.1) rather than `anyOf`: fast-json-stringify then serialises by type
 * without re-validating formats, so an odd stored value is shown, never turned into a 500.
 * `format` documents the value; for strings the serializer passes them through as they are.
 */
export function outputColumn(col: ColumnSpec): TSchema {
  const type = JSON_TYPES[col.type];
  const schema: Record<string, unknown> = {};
  if (type) schema.type = col.nullable ? [type, "null"] : type;
  if (col.values) schema.enum = col.nullable ? [...col.values, null] : [...col.values];
  if (col.type === "timestamp") schema.format = "date-time";
  if (col.type === "date") schema.format = "date";
  if (col.type === "id") schema.format = "uuid";
  if (col.description) schema.description = col.description;
  return Type.Unsafe(schema);
}
