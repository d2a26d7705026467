/**
 * The Candidates Excel Report (docs/EXPORTS.md#the-candidates-excel-report), downloadable on its
 * own and written, cell for cell, as `Candidates.xlsx` into the monthly backup
 * (docs/EXPORTS.md#the-monthly-backup, see ../backup).
 */
import { Readable } from "node:stream";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema/index.js";
import type { CellValue } from "../xlsx/cell-value.js";
import { writeXlsx } from "../xlsx/write-xlsx.js";
import type { XlsxColumn } from "../xlsx/xlsx-writer.js";
import { candidateReportColumns } from "./columns.js";
import { loadReportLookups } from "./report-lookups.js";
import { type CandidateReportRow, candidateReportRows } from "./report-rows.js";

export { BASE_COLUMNS, RESUME_FILE_COLUMN } from "./columns.js";
export {
  type CandidateReportRow,
  candidateReportRows,
  countCandidateReportRows,
} from "./report-rows.js";
export { RESUMES_DIR } from "./resume-paths.js";

/**
 * Name of the report's sheet (later sheets of a split: `Candidates (2)`…,
 * docs/EXPORTS.md#names-and-cells).
 */
export const REPORT_SHEET_NAME = "Candidates";

/** The report ready to stream: its columns (custom fields known) and its rows. */
export interface PreparedCandidatesReport {
  columns: XlsxColumn[];
  rows: AsyncGenerator<CandidateReportRow>;
}

/**
 * Loads the lookups (whose custom field definitions give the columns), then returns the
 * columns and a row generator. Nothing is read until the generator is iterated.
 */
export async function prepareCandidatesReport(
  db: Kysely<DB>,
  accountId: string,
  opts: { signal?: AbortSignal | undefined; batchSize?: number } = {},
): Promise<PreparedCandidatesReport> {
  const lookups = await loadReportLookups(db, accountId);
  return {
    columns: candidateReportColumns(lookups.definitions),
    rows: candidateReportRows(db, accountId, { ...opts, lookups }),
  };
}

/** Options of {@link streamCandidatesReport}. */
export interface StreamReportOptions {
  /** Instant of the data: the workbook's creation time and its parts' modification time. */
  snapshotAt: Date;
  signal?: AbortSignal | undefined;
}

/**
 * The whole report as an `.xlsx` byte stream (sheet "Candidates"). Nothing is read before the
 * stream is, and reading drives the queries (backpressure end to end). A failing query or an
 * abort destroys the stream with the error, so a partial file never passes for a whole one.
 *
 * `db` should be bound to one read snapshot kept open until the stream has emitted `close`:
 * `close` comes only once no query of the report is running, whereas `pipeline()` may settle
 * earlier when the destination fails. E.g. `readSnapshot(async (db) => { const s =
 * streamCandidatesReport(db, …); try { await pipeline(s, res) } finally { await
 * finished(s).catch(() => {}) } })`.
 */
export function streamCandidatesReport(
  db: Kysely<DB>,
  accountId: string,
  opts: StreamReportOptions,
): Readable {
  async function* bytes(): AsyncGenerator<Buffer> {
    const report = await prepareCandidatesReport(db, accountId, { signal: opts.signal });
    const rows = trackRows(report.rows);
    const xlsx = writeXlsx(rows.cells, {
      sheetName: REPORT_SHEET_NAME,
      columns: report.columns,
      created: opts.snapshotAt,
      mtime: opts.snapshotAt,
    });
    try {
      for await (const chunk of xlsx) yield chunk as Buffer;
    } finally {
      // Reader gone or failed: stop the rows at their next step and wait until their last
      // query is over, so `close` means the snapshot may end.
      rows.stop();
      await rows.done;
    }
  }
  return Readable.from(bytes(), { objectMode: false });
}

/**
 * The rows' cells for `writeXlsx`, which starts iterating at once; `stop()` makes the next step
 * throw (ending the xlsx writer's loop and the row generator), `done` settles when it ended.
 */
function trackRows(rows: AsyncGenerator<CandidateReportRow>) {
  let stopped = false;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  async function* cells(): AsyncGenerator<CellValue[]> {
    try {
      for await (const row of rows) {
        if (stopped) throw new Error("candidates report: the reader went away");
        yield row.cells;
      }
    } finally {
      finish();
    }
  }
  return {
    cells: cells(),
    done,
    stop: () => {
      stopped = true;
    },
  };
}
