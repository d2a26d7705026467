/**
 * `datapackage.json` (docs/EXPORTS.md#the-snapshot): the snapshot described as a Frictionless
 * Tabular Data Package (specs.frictionlessdata.io v1: data-package, tabular-data-resource,
 * table-schema, csv-dialect), so generic tools can load and validate every CSV: one resource per
 * CSV with its size, SHA-256, dialect and schema (field types, required and enumerated values,
 * primary and foreign keys).
 *
 * Built from the layout and each CSV's measured size and hash only — never from the data — so the
 * same data gives the same bytes (docs/EXPORTS.md#integrity); keys are written in a fixed order.
 */
import type { ColumnType, TableName } from "../../../db/schema/index.js";
import { accountSlug } from "../../file-name.js";
import type { ManifestFile } from "../../manifest.js";
import { primaryFileOf, type SnapshotColumn, type SnapshotFile } from "./layout.js";

/** What the Data Package is made from. */
export interface DatapackageInput {
  accountName: string;
  snapshotAt: Date;
  /** The CSVs in zip order. */
  files: readonly SnapshotFile[];
  /** Size and SHA-256 of each CSV, by path. */
  measured: ReadonlyMap<string, ManifestFile>;
}

/**
 * The CSV dialect of every resource (docs/EXPORTS.md#names-and-cells machine-facing CSV: RFC 4180,
 * CRLF, no BOM).
 */
export const SNAPSHOT_CSV_DIALECT = {
  delimiter: ",",
  lineTerminator: "\r\n",
  quoteChar: '"',
  doubleQuote: true,
  header: true,
} as const;

const DESCRIPTION = [
  "Every record of one Hirevault account at one instant, one CSV per table (UTF-8 without BOM,",
  "RFC 4180, CRLF), values exactly as stored. In every CSV an empty unquoted field is NULL and a",
  'quoted empty field ("") is the empty string: readers that cannot tell them apart see both as',
  "missing (missingValues). Text columns that are never NULL may hold the empty string: they",
  "declare no missing values of their own (field missingValues []) and are not marked required,",
  'so "" reads as an empty string or as missing, never as a violation. Ids are UUIDs (version 7)',
  "as in the REST API; timestamps are ISO 8601 in UTC; JSON columns hold the JSON text verbatim.",
  "Attachment bytes are under files/, named by the path column of companies/documents.csv and",
  "files/attachments.csv; manifest.json lists row counts, sizes, SHA-256 and the files that could",
  "not be read.",
].join(" ");

/** The descriptor object (see {@link datapackageJson} for its bytes). */
export function datapackage(input: DatapackageInput): Record<string, unknown> {
  return {
    profile: "tabular-data-package",
    name: `${accountSlug(input.accountName).toLowerCase()}-snapshot`,
    title: `Hirevault snapshot of ${input.accountName}`,
    description: DESCRIPTION,
    created: input.snapshotAt.toISOString(),
    resources: input.files.map((file) => resource(file, input.measured)),
  };
}

/** `datapackage.json` as written into the zip: two-space indented, newline-terminated. */
export function datapackageJson(input: DatapackageInput): string {
  return `${JSON.stringify(datapackage(input), null, 2)}\n`;
}

function resource(file: SnapshotFile, measured: ReadonlyMap<string, ManifestFile>): Record<string, unknown> {
  const m = measured.get(file.path);
  if (!m) throw new Error(`${file.path} was not written before datapackage.json`);
  return {
    name: file.resource,
    path: file.path,
    profile: "tabular-data-resource",
    format: "csv",
    mediatype: "text/csv",
    encoding: "utf-8",
    bytes: m.size,
    hash: `sha256:${m.sha256}`,
    dialect: SNAPSHOT_CSV_DIALECT,
    schema: schema(file),
  };
}

function schema(file: SnapshotFile): Record<string, unknown> {
  const foreignKeys = file.columns.flatMap((c) => {
    const target = c.references && primaryFileOf(c.references as TableName);
    if (!target) return []; // the referenced table has no file of its own (e.g. split attachments)
    const resource = target.path === file.path ? "" : target.resource; // "" = this resource (self-reference)
    return [{ fields: c.name, reference: { resource, fields: "id" } }];
  });
  return {
    fields: file.columns.map(field),
    missingValues: [""],
    primaryKey: file.kind === "enrichment" ? "company_id" : "id",
    ...(foreignKeys.length ? { foreignKeys } : {}),
  };
}

/** Table Schema type (and format) of each catalog type. */
const TYPES: Record<ColumnType, Record<string, unknown>> = {
  id: { type: "string", format: "uuid" },
  text: { type: "string" },
  integer: { type: "integer" },
  bigint: { type: "integer" },
  number: { type: "number" },
  boolean: { type: "boolean", trueValues: ["true"], falseValues: ["false"] },
  timestamp: { type: "datetime", format: "any" },
  date: { type: "date" },
  json: { type: "string" },
};

/**
 * Whether a column is never NULL yet may hold the empty string: text that is not an enumeration
 * (JSON text cannot be empty, nor can ids, numbers, booleans or times). Frictionless readers
 * turn "" into null before any check (Table Schema: `missingValues` defaults to `[""]`, applied
 * "before any other processing"), so `required` would reject a valid empty title. Such a field
 * gets no `required` and its own `missingValues: []` (field-level missing values replace the
 * schema's: a Table Schema v2 field property and a v1 pattern; v1 readers ignore it), so a
 * reader that knows it reads "" as the empty string, exactly, and one that does not reads a
 * null it accepts. Every other type has no empty spelling: an empty field there is NULL.
 */
export function mayHoldEmptyString(c: Pick<SnapshotColumn, "type" | "nullable" | "values">): boolean {
  return !c.nullable && c.type === "text" && !c.values;
}

function field(c: SnapshotColumn): Record<string, unknown> {
  const description =
    c.type === "json" ? `JSON text, verbatim${c.description ? `: ${c.description}` : ""}` : c.description;
  const emptyIsText = mayHoldEmptyString(c);
  const constraints = {
    ...(c.nullable || emptyIsText ? {} : { required: true }),
    ...(c.values ? { enum: [...c.values] } : {}),
  };
  return {
    name: c.name,
    ...TYPES[c.type],
    ...(description ? { description } : {}),
    ...(emptyIsText ? { missingValues: [] } : {}),
    ...(Object.keys(constraints).length ? { constraints } : {}),
  };
}
