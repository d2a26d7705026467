/**
 * Turns records of a snapshot CSV back into database rows: the machine dialect's text becomes
 * typed values (NULL = empty unquoted field, "" = quoted empty field), every value is checked
 * against the catalog as an API write would be, and every id is mapped into the new account
 * ({@link importedId}). A bad value stops the import with its file, line and column.
 */
import { type ColumnSpec, tableSpec } from "../db/schema/index.js";
import type { FieldError } from "../domain/errors.js";
import { isUuid } from "../domain/ids.js";
import type { CsvRecord } from "../exports/csv/csv-reader.js";
import type { SnapshotColumn, SnapshotFile } from "../exports/formats/snapshot/layout.js";
import { checkText, coerceValue } from "../services/entity-input.js";
import { importedId } from "./id-map.js";
import { ImportError } from "./import-error.js";

/** A decoded record: the row, and for attachment files the zip entry of its bytes. */
export interface DecodedRow {
  row: Record<string, unknown>;
  line: number;
}

/** Decodes the records of one snapshot CSV whose header has been read. */
export class RowDecoder {
  private readonly index: number[];

  constructor(
    private readonly file: SnapshotFile,
    header: CsvRecord,
    private readonly accountId: string,
  ) {
    const expected = file.columns.map((c) => c.name);
    const names = header.fields;
    const missing = expected.filter((n) => !names.includes(n));
    const unknown = names.filter((n) => !expected.includes(n));
    if (missing.length || unknown.length || new Set(names).size !== names.length) {
      throw new ImportError(
        `${file.path}: the header does not match this format version` +
          (missing.length ? `; missing ${missing.join(", ")}` : "") +
          (unknown.length ? `; unknown ${unknown.join(", ")}` : ""),
      );
    }
    this.index = expected.map((n) => names.indexOf(n));
  }

  /** The row of `record`, with ids in the new account and `account_id` set. */
  decode(record: CsvRecord): DecodedRow {
    if (record.fields.length !== this.index.length) {
      throw new ImportError(
        `${this.file.path} line ${record.line}: ${record.fields.length} fields, the header has ${this.index.length}`,
      );
    }
    const row: Record<string, unknown> = {};
    const errors: FieldError[] = [];
    this.file.columns.forEach((col, i) => {
      const at = this.index[i]!;
      row[col.name] = this.value(col, record.fields[at]!, record.quoted[at]!, errors);
    });
    if (errors.length) {
      const e = errors[0]!;
      throw ImportError.at(this.file.path, record.line, e.field, e.message);
    }
    if (this.file.kind === "rows") row.account_id = this.accountId;
    return { row, line: record.line };
  }

  private value(col: SnapshotColumn, text: string, quoted: boolean, errors: FieldError[]): unknown {
    // NULL is an empty unquoted field; a NOT NULL text column read that way holds "" (a file
    // written by another tool may not quote empty strings).
    if (text === "" && !quoted) {
      if (col.nullable) return null;
      if (col.type !== "text") {
        errors.push({ field: col.name, message: "must not be empty" });
        return null;
      }
    }
    switch (col.type) {
      case "id":
        if (!isUuid(text)) {
          errors.push({ field: col.name, message: "must be an id (UUID)" });
          return null;
        }
        return importedId(this.accountId, text);
      case "json":
        checkText(col.name, text, errors);
        try {
          JSON.parse(text);
        } catch {
          errors.push({ field: col.name, message: "must be JSON" });
        }
        return text; // verbatim, as stored
      case "integer":
      case "bigint":
      case "number":
        return coerceValue(
          col.name,
          spec(this.file, col),
          /^-?[0-9.eE+-]+$/.test(text) ? Number(text) : text,
          errors,
        );
      case "boolean":
        return coerceValue(
          col.name,
          spec(this.file, col),
          text === "true" ? true : text === "false" ? false : text,
          errors,
        );
      default:
        return coerceValue(col.name, spec(this.file, col), text, errors);
    }
  }
}

/**
 * The rules a value of `col` is checked by: the catalog column's (type, enum, bounds, pattern,
 * format — what an API write is checked by), as nullable as the file says; the layout's own
 * description for a column the catalog does not have (an attachment's `path`).
 */
function spec(file: SnapshotFile, col: SnapshotColumn): ColumnSpec {
  const catalog = tableSpec(file.table).columns[col.name];
  if (catalog && catalog.type === col.type) return { ...catalog, nullable: col.nullable };
  return { type: col.type, nullable: col.nullable, ...(col.values ? { values: col.values } : {}) };
}
