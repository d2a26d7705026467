/**
 * The monthly backup (docs/EXPORTS.md#the-monthly-backup, the "Trakstar" format): one zip holding
 * exactly `Candidates.xlsx` (docs/EXPORTS.md#the-candidates-excel-report, cell for cell) and
 * `Resumes/` (`Resumes/<Job opening>/<Stage>/<file>` per application with a CV,
 * `Resumes/others/<file>` for persons without application).
 *
 * One pass over the report rows: each row's CV is streamed into the outer zip as it comes while
 * the row goes into a sheet written to a temp file; the finished workbook is added last. The
 * zip is streamed to storage as it is written: nothing is held whole in memory.
 */
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import {
  type CandidateReportRow,
  countCandidateReportRows,
  prepareCandidatesReport,
  REPORT_SHEET_NAME,
  RESUME_FILE_COLUMN,
  RESUMES_DIR,
} from "../../candidates-report/index.js";
import type { ExportContext, ExportFormat } from "../../export-format.js";
import { backupFileName } from "../../file-name.js";
import { copyFiles } from "../../files/copy-files.js";
import { type XlsxColumn, XlsxWriter } from "../../xlsx/xlsx-writer.js";
import { ZipWriter } from "../../zip/zip-writer.js";
import { asError, settle, writeZipArtifact } from "../../zip-artifact.js";

/** Name of the workbook at the zip's root. */
export const BACKUP_SHEET_FILE = "Candidates.xlsx";
/** Progress is reported once per this many rows, and at the start and the end. */
const PROGRESS_EVERY = 200;

/** The monthly backup format (`backup` in the registry, API and `export_runs.format`). */
export const backupFormat: ExportFormat = {
  id: "backup",
  label: "Monthly backup",
  write: writeBackup,
};

async function writeBackup(ctx: ExportContext): Promise<void> {
  ctx.signal.throwIfAborted();
  const report = await prepareCandidatesReport(ctx.db, ctx.accountId, { signal: ctx.signal });
  const total = await countCandidateReportRows(ctx.db, ctx.accountId);
  const spec = {
    part: "backup",
    fileName: backupFileName(ctx.accountName, ctx.snapshotAt, ctx.timeZone),
    contentType: "application/zip",
  };
  await writeZipArtifact(ctx, spec, async (zip) => {
    try {
      await writeEntries(ctx, zip, report.columns, report.rows, total);
    } finally {
      await report.rows.return(undefined);
    }
  });
}

async function writeEntries(
  ctx: ExportContext,
  zip: ZipWriter,
  columns: XlsxColumn[],
  rows: AsyncIterable<CandidateReportRow>,
  total: number,
): Promise<void> {
  // An explicit `Resumes/` entry, so the root holds both items of
  // docs/EXPORTS.md#the-monthly-backup even when no one has a CV. Deeper folders are implied by the
  // file names, as every unzip tool creates them.
  await zip.addDirectory(`${RESUMES_DIR}/`);

  const sheetPath = path.join(ctx.tmpDir, BACKUP_SHEET_FILE);
  const inner = new ZipWriter({ mtime: ctx.snapshotAt });
  const xlsx = new XlsxWriter(inner, { sheetName: REPORT_SHEET_NAME, columns, created: ctx.snapshotAt });
  const written = settle(pipeline(inner.output, fs.createWriteStream(sheetPath)), (err) =>
    inner.abort(asError(err)),
  );
  try {
    const copied = copyFiles(ctx, zip, rows, { fileOf: (row) => row.resume });
    let done = 0;
    ctx.progress(0, total);
    for await (const { item: row, skipped } of copied) {
      let cells = row.cells;
      if (row.resume && skipped !== null) {
        // The cell says "missing from storage" whatever the reason (the warning has it).
        cells = [...cells];
        cells[RESUME_FILE_COLUMN] = `[missing from storage] ${row.resume.fileName}`;
      }
      await xlsx.addRow(cells);
      if (++done % PROGRESS_EVERY === 0) ctx.progress(done, total);
    }
    await xlsx.finish();
    await inner.finish();
    ctx.progress(done, Math.max(total, done));
  } catch (err) {
    inner.abort(asError(err));
    const w = await written;
    throw w.ok ? err : w.error;
  }
  const w = await written;
  if (!w.ok) throw w.error;
  const { size } = await fs.promises.stat(sheetPath);
  await zip.addEntry(BACKUP_SHEET_FILE, fs.createReadStream(sheetPath), { size });
}
