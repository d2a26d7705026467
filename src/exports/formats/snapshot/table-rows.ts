/**
 * The rows of one snapshot CSV (docs/EXPORTS.md#the-snapshot), read from the run's read snapshot in
 * keyset batches: the rows of the file's table in the account, matching its row filter, by id.
 *
 * Each page is `account_id = ? AND id > ? [AND <filter>] ORDER BY id LIMIT n`, which the
 * `(account_id, id)` index every table has answers in order, stopping after `n` rows: the shape
 * of the full export's tables, fast on both databases without statistics (docs/EXPORTS.md; the
 * PostgreSQL snapshot turns bitmap scans off). A split table's filter (`entity_type IN …`) is a
 * filter on that same index scan, never another index plus a sort — checked with EXPLAIN ANALYZE
 * on a 100,000-candidate account without ANALYZE: 3–20 ms per 2,000-row page, all 2.43 M rows
 * read in 25 s. Only the layout's columns are selected: never `account_id`, never a secret.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../db/schema/index.js";
import type { CsvValue } from "../../csv/csv-dialect.js";
import { snapshotCell } from "./cell-value.js";
import { attachmentEntryPath, PATH_COLUMN, type SnapshotFile } from "./layout.js";

/** Rows per page: few round trips, and one page of rows in memory at most. */
export const SNAPSHOT_BATCH_SIZE = 2000;

/** What the rows are read from: the run's snapshot (one query at a time), one account. */
export interface RowSource {
  db: Kysely<DB>;
  accountId: string;
  signal: AbortSignal;
  /** Rows per page (tests use tiny pages to cross page boundaries). */
  batchSize?: number;
}

/** The snapshot reads tables by name from the layout, so it queries them untyped. */
type LooseDb = Kysely<Record<string, Record<string, unknown>>>;

/** Database columns of a file: its columns minus the computed `path` of the attachment files. */
export function storedColumns(file: SnapshotFile): string[] {
  if (file.kind === "enrichment") return ["id", "enrichment"];
  return file.columns.filter((c) => c !== PATH_COLUMN).map((c) => c.name);
}

/**
 * Every row of `file` as CSV values in header order. `included(id)` says whether an attachment's
 * bytes are in the zip (its `path` is empty otherwise). `onBatch(n)` runs after each page.
 * Every query of a page has finished before its first row is yielded, so no query is open while
 * the zip writes (the snapshot's one connection is never shared by two queries).
 */
export async function* fileRows(
  source: RowSource,
  file: SnapshotFile,
  included: (attachmentId: string) => boolean,
  onBatch: (rows: number) => void = () => {},
): AsyncGenerator<CsvValue[]> {
  const size = source.batchSize ?? SNAPSHOT_BATCH_SIZE;
  const columns = storedColumns(file);
  const withPath = file.columns.includes(PATH_COLUMN);
  let after = "";
  for (;;) {
    source.signal.throwIfAborted();
    const page = await pageQuery(source, file, columns).where("id", ">", after).limit(size).execute();
    for (const row of page) {
      const values = columns.map((c) => snapshotCell(row[c]));
      if (withPath) {
        const id = String(row.id);
        values.push(included(id) ? attachmentEntryPath(id, String(row.file_name)) : null);
      }
      yield values;
    }
    onBatch(page.length);
    if (page.length < size) return;
    after = String(page[page.length - 1]!.id);
  }
}

/** How many rows `file` will hold (the progress total is taken before any row is written). */
export async function countFileRows(source: RowSource, file: SnapshotFile): Promise<number> {
  const { n } = await filtered(source, file)
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** `SELECT <columns> … ORDER BY id` of the file's rows, without the keyset bound. */
function pageQuery(source: RowSource, file: SnapshotFile, columns: string[]) {
  return filtered(source, file).select(columns).orderBy("id");
}

/** The file's rows: its table, the account, and its row filter (enrichment: non-null ones). */
export function filtered(source: RowSource, file: SnapshotFile) {
  const db = source.db as unknown as LooseDb;
  let q = db.selectFrom(file.table).where("account_id", "=", source.accountId);
  if (file.kind === "enrichment") q = q.where("enrichment", "is not", null);
  const where = file.where;
  if (!where) return q;
  // The filter columns are NOT NULL (entity_type), so `NOT IN` is exactly `rowBelongs`.
  // (The layout's `in` lists are never empty; an empty one would fail loudly as `IN ()`.)
  if (where.in) q = q.where(where.column, "in", [...where.in]);
  if (where.notIn?.length) q = q.where(where.column, "not in", [...where.notIn]);
  return q;
}
