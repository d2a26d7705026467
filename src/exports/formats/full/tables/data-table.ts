/**
 * A Data Files table declared as data: the page of rows it reads, the lookups it needs, and one
 * `{ header, cell }` per column, so a header can never drift from the cell under it. `selectRows(…).asCsv`
 * turns the declaration into a {@link CsvTable}: keyset batches by id, lookups per batch before
 * any of its rows is written, and custom field columns before the closing stamps.
 */
import type { CUSTOM_FIELD_ENTITIES, Row, TableName } from "../../../../db/schema/index.js";
import type { CsvValue } from "../../../csv/csv-dialect.js";
import type { Span } from "../../../records/span.js";
import type { CsvTable, CsvTableSource } from "./csv-table.js";
import { fieldCells, loadCustomFieldColumns, loadFieldValues, STAMP_HEADER } from "./custom-fields.js";
import { keysetRows } from "./keyset.js";

/** One column of a table: its header, and its cell from a row and the lookups. */
export interface DataColumn<R, L> {
  header: string;
  cell(row: R, lookups: L): CsvValue;
}

/** Up to `limit` rows with id > `after`, by id. */
export type PageQuery<R> = (source: CsvTableSource, after: string, limit: number) => Promise<R[]>;

/** A table's declaration (see {@link dataTable}). */
export interface DataTableSpec<R extends { id: string }, T, B> {
  /** Entry name in the zip. */
  file: string;
  /** See {@link CsvTable.rowsOf}. */
  rowsOf: string | null;
  description: string;
  /** Lookups loaded once per table (users, lists): tens or thousands, against millions of rows. */
  once?(source: CsvTableSource): Promise<T>;
  /** Lookups of one batch, given its id range; loaded after {@link once}. */
  batch?(source: CsvTableSource, rows: R[], span: Span, once: T): Promise<B>;
  /** The columns in order. With {@link customFields}, the last two are {@link STAMP_COLUMNS}. */
  columns: readonly DataColumn<R, T & B>[];
  /** One column per custom field of this entity, before the stamps (as in `Candidates.csv`). */
  customFields?: (typeof CUSTOM_FIELD_ENTITIES)[number];
}

/** "Created At", "Updated At": the columns every table but the audit log ends with. */
export const STAMP_COLUMNS: readonly DataColumn<{ created_at: string; updated_at: string }, unknown>[] = [
  { header: STAMP_HEADER[0]!, cell: (r) => r.created_at },
  { header: STAMP_HEADER[1]!, cell: (r) => r.updated_at },
];

/** The rows a table reads, ready to be declared as a CSV (see {@link selectRows}). */
export interface SelectedRows<R extends { id: string }> {
  page: PageQuery<R>;
  /** The CSV of these rows. */
  asCsv<T = unknown, B = unknown>(spec: DataTableSpec<R, T, B>): CsvTable;
}

/**
 * The rows of `table` of the account, `columns` and the id, a page at a time by id: the same
 * query for every table. The row type is fixed here, before the columns are declared, so
 * TypeScript types each cell from the columns selected.
 */
export function selectRows<T extends TableName, C extends keyof Row<T> & string>(
  table: T,
  columns: readonly C[],
): SelectedRows<Pick<Row<T>, C | "id"> & { id: string }> {
  type R = Pick<Row<T>, C | "id"> & { id: string };
  const page: PageQuery<R> = (source, after, limit) =>
    source.db
      // Typed as one concrete table (Kysely cannot type a table given as a parameter); every
      // table read here has `id` and `account_id`.
      .selectFrom(table as "users")
      .select(["id", ...columns] as "id"[])
      .where("account_id", "=", source.accountId)
      .where("id", ">", after)
      .orderBy("id")
      .limit(limit)
      .execute() as Promise<R[]>;
  return { page, asCsv: (spec) => csvTable(page, spec) };
}

function csvTable<R extends { id: string }, T, B>(
  page: PageQuery<R>,
  spec: DataTableSpec<R, T, B>,
): CsvTable {
  const stamps = spec.customFields ? STAMP_HEADER.length : 0;
  const own = spec.columns.slice(0, spec.columns.length - stamps);
  const closing = spec.columns.slice(spec.columns.length - stamps);
  if (closing.some((c, i) => c.header !== STAMP_HEADER[i])) {
    throw new Error(`${spec.file}: a table with custom fields must end with the stamp columns`);
  }
  return {
    file: spec.file,
    rowsOf: spec.rowsOf,
    description: spec.description,
    async open(source) {
      const { db, accountId } = source;
      const once = spec.once ? await spec.once(source) : (undefined as T);
      const entity = spec.customFields;
      const fields = entity
        ? await loadCustomFieldColumns(
            db,
            accountId,
            entity,
            own.map((c) => c.header),
          )
        : null;
      const rows = keysetRows(
        source,
        (after, limit) => page(source, after, limit),
        async (batch, span) => {
          const loaded = spec.batch ? await spec.batch(source, batch, span, once) : (undefined as B);
          const lookups = { ...once, ...loaded } as T & B;
          const values = fields && entity ? await loadFieldValues(db, accountId, entity, span) : null;
          return batch.map((r) => {
            const cells = own.map((c) => c.cell(r, lookups));
            if (fields && values) cells.push(...fieldCells(fields, values, r.id));
            for (const c of closing) cells.push(c.cell(r, lookups));
            return cells;
          });
        },
      );
      return { header: fields ? fields.header : spec.columns.map((c) => c.header), rows };
    },
  };
}
