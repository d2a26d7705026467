/**
 * The snapshot's layout (docs/EXPORTS.md#the-snapshot): which CSV file of the zip holds which rows
 * and columns. The writer, `datapackage.json`, `hirevault verify` and `hirevault import` all read
 * this one description, so a file can never be written one way and read another.
 *
 * Derived from the catalog's export classification (`src/db/schema`), with three splits the
 * snapshot needs (docs/EXPORTS.md#the-snapshot):
 * - custom field values are filed under the entity they belong to
 *   (`companies/custom_field_values.csv`, `persons/…`, `jobs/…`, `deals/…`, `clientContacts/…`);
 * - attachments on companies are `companies/documents.csv`, all others `files/attachments.csv`;
 *   both carry a `path` column naming the bytes' entry under `files/`;
 * - a company's `enrichment` JSON is `companies/enrichment.csv` (one row per company that has
 *   one), not a column of `companies.csv`.
 * Every other exported table is one file, `<folder>/<file>.csv`. Columns are the catalog's, in
 * catalog order, minus `account_id` (the manifest names the account) and secret columns
 * (token and password hashes, storage keys).
 */
import {
  type ColumnType,
  CUSTOM_FIELD_ENTITIES,
  type SnapshotFolder,
  TABLE_NAMES,
  type TableName,
  tableSpec,
} from "../../../db/schema/index.js";
import { MAX_ENTRY_PATH_BYTES, safeSegment } from "../../zip/safe-entry-name.js";

/** Format name and version in `manifest.json` (bump the version when a column changes meaning). */
export const SNAPSHOT_FORMAT = "hirevault.snapshot";
export const SNAPSHOT_VERSION = 1;
export const MANIFEST_FILE = "manifest.json";
export const DATAPACKAGE_FILE = "datapackage.json";
/** Folder of the attachments' bytes: `files/<attachment id>/<safe file name>`. */
export const FILES_DIR = "files";

/** One column of a snapshot CSV. */
export interface SnapshotColumn {
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** Allowed values of an enumerated column. */
  values?: readonly string[];
  /** Table this id column references (foreign key within the account). */
  references?: TableName;
  description?: string;
}

/** Rows of the table that go to this file, when the table is split over several files. */
export interface RowFilter {
  column: string;
  /** Keep rows whose column is one of these values… */
  in?: readonly string[];
  /** …or is none of these. */
  notIn?: readonly string[];
}

/** One CSV of the snapshot. */
export interface SnapshotFile {
  /** Zip entry path, e.g. `persons/emails.csv`. */
  path: string;
  /** `datapackage.json` resource name, e.g. `persons-emails`. */
  resource: string;
  /** The database table whose rows it holds (`rows_of` in the manifest). */
  table: TableName;
  /**
   * `rows`: one line per row of `table` (matching `where`);
   * `enrichment`: `company_id` + `enrichment` of each company whose enrichment is not null.
   */
  kind: "rows" | "enrichment";
  columns: SnapshotColumn[];
  where?: RowFilter;
}

/** Folder of each entity's custom field values (and where its rows live). */
const ENTITY_FOLDER: Record<(typeof CUSTOM_FIELD_ENTITIES)[number], SnapshotFolder> = {
  company: "companies",
  person: "persons",
  job: "jobs",
  deal: "deals",
  client_contact: "clientContacts",
};

/** The extra column of the attachment files: where the bytes are in the zip (empty if missing). */
export const PATH_COLUMN: SnapshotColumn = {
  name: "path",
  type: "text",
  nullable: true,
  description: "entry of the file's bytes under files/; empty when the file could not be read",
};

function columnsOf(table: TableName, drop: readonly string[] = []): SnapshotColumn[] {
  return Object.entries(tableSpec(table).columns)
    .filter(([name, c]) => name !== "account_id" && !c.secret && !drop.includes(name))
    .map(([name, c]) => ({
      name,
      type: c.type,
      nullable: c.nullable === true,
      ...(c.values ? { values: c.values } : {}),
      ...(c.references ? { references: c.references as TableName } : {}),
      ...(c.description ? { description: c.description } : {}),
    }));
}

function file(
  folder: SnapshotFolder,
  name: string,
  table: TableName,
  rest: Partial<Pick<SnapshotFile, "kind" | "columns" | "where">> = {},
): SnapshotFile {
  return {
    path: `${folder}/${name}.csv`,
    resource: `${folder}-${name}`.toLowerCase(),
    table,
    kind: rest.kind ?? "rows",
    columns: rest.columns ?? columnsOf(table),
    ...(rest.where ? { where: rest.where } : {}),
  };
}

function filesOf(table: TableName): SnapshotFile[] {
  const c = tableSpec(table).export;
  if ("excluded" in c) return [];
  switch (table) {
    case "custom_field_values":
      return CUSTOM_FIELD_ENTITIES.map((entity) =>
        file(ENTITY_FOLDER[entity], "custom_field_values", table, {
          where: { column: "entity_type", in: [entity] },
        }),
      );
    case "attachments": {
      const columns = [...columnsOf(table), PATH_COLUMN];
      return [
        file("companies", "documents", table, { columns, where: { column: "entity_type", in: ["company"] } }),
        file(c.folder, c.file, table, { columns, where: { column: "entity_type", notIn: ["company"] } }),
      ];
    }
    case "companies":
      return [
        file(c.folder, c.file, table, { columns: columnsOf(table, ["enrichment"]) }),
        file("companies", "enrichment", table, {
          kind: "enrichment",
          columns: [
            { name: "company_id", type: "id", nullable: false, references: "companies" },
            { name: "enrichment", type: "json", nullable: false, description: "JSON, kept verbatim" },
          ],
        }),
      ];
    default:
      return [file(c.folder, c.file, table)];
  }
}

/** Every CSV of the snapshot, in zip order (by path). */
export const SNAPSHOT_FILES: readonly SnapshotFile[] = TABLE_NAMES.flatMap(filesOf).sort((a, b) =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
);

/** The files holding rows of `table`, the main one (kind `rows`) first. */
export function snapshotFilesOf(table: TableName): SnapshotFile[] {
  return SNAPSHOT_FILES.filter((f) => f.table === table).sort((a, b) =>
    a.kind === b.kind ? 0 : a.kind === "rows" ? -1 : 1,
  );
}

/** The file holding the rows of `table` that other files' foreign keys point at. */
export function primaryFileOf(table: TableName): SnapshotFile | undefined {
  return snapshotFilesOf(table).find((f) => f.kind === "rows" && !f.where);
}

/** Whether a row of `file.table` belongs in `file` (split tables). */
export function rowBelongs(file: SnapshotFile, row: Record<string, unknown>): boolean {
  if (!file.where) return true;
  const v = String(row[file.where.column]);
  if (file.where.in) return file.where.in.includes(v);
  return !(file.where.notIn ?? []).includes(v);
}

/**
 * Zip entry of an attachment's bytes: `files/<attachment id>/<file name>`, the name made safe
 * (docs/EXPORTS.md#names-and-cells) and cut (on a grapheme boundary, keeping its extension) so that
 * the whole path stays within MAX_ENTRY_PATH_BYTES for Windows extraction: 157 bytes of name after
 * a UUID folder. The id folder keeps entries unique whatever the names, and the path depends on the
 * row alone, so it is the same in every run. Readers take the path from the row's `path` column,
 * never from this function, so snapshots written with longer names (before the budget) still verify
 * and import.
 */
export function attachmentEntryPath(attachmentId: string, fileName: string): string {
  const folder = `${FILES_DIR}/${safeSegment(attachmentId)}/`;
  const budget = MAX_ENTRY_PATH_BYTES - Buffer.byteLength(folder, "utf8");
  return `${folder}${safeSegment(fileName, { fallback: "file", maxBytes: budget })}`;
}

/** Tables whose rows the snapshot carries, in insert order (parents first). */
export const SNAPSHOT_TABLES: readonly TableName[] = TABLE_NAMES.filter(
  (t) => !("excluded" in tableSpec(t).export),
);
