import type { Kysely } from "kysely";
import type { DB } from "../../../../db/schema/index.js";
import type { CsvValue } from "../../../csv/csv-dialect.js";

/** What a table of the Data Files zip reads from: the run's snapshot, one account. */
export interface CsvTableSource {
  /** Bound to the export's read snapshot; run one query at a time, none open across a `yield`. */
  db: Kysely<DB>;
  accountId: string;
  signal: AbortSignal;
}

/** An opened table: its header and its rows (values in header order). */
export interface OpenedCsvTable {
  header: string[];
  rows: AsyncIterable<CsvValue[]>;
}

/**
 * One CSV of the full data export's Data Files zip (docs/EXPORTS.md#the-full-data-export), e.g.
 * `Jobs.csv`.
 *
 * Human-facing: headers in Title Case words ("Job ID", "Created At"), relations as ids of the other
 * files ("Company ID" → `Companies.csv` "Company ID"), timestamps as stored (ISO 8601 UTC), booleans
 * written Yes/No by the CSV dialect, lists joined with "; ". Rows in a stable order (by id), read in
 * keyset batches so memory stays flat whatever the account size.
 */
export interface CsvTable {
  /** Entry name in the zip. */
  readonly file: string;
  /**
   * The database table each row stands for, one row per row of it (the manifest's row count is
   * checked against it); `null` when rows do not map one to one onto a table.
   */
  readonly rowsOf: string | null;
  /** What the file holds, for docs and the manifest. */
  readonly description: string;
  open(source: CsvTableSource): Promise<OpenedCsvTable>;
}
