/**
 * The full data export (docs/EXPORTS.md#the-full-data-export, the "Recruitly" format): three parts
 * and a master CSV.
 *
 * 1. Internal CVs zip — one pass over persons also writes `Candidates.csv` and the CV rows of
 *    `Attachments.csv` to temp files (candidates-pass.ts);
 * 2. Attachments zip — one pass over the other attachments writes their rows (attachments-pass.ts);
 * 3. Data Files zip — the ten CSVs and `manifest.json` (data-files.ts);
 * 4. the master CSV — one row per part with size, SHA-256, signed link and expiry (master-csv.ts).
 *
 * Every zip is streamed to storage as it is written; temp files live in the attempt's own temp
 * directory. Nothing is published until the runner commits all four artifacts at once, and the
 * requester is emailed the master CSV's link (`mailPart`) once the run has succeeded.
 */
import path from "node:path";
import { HUMAN_CSV } from "../../csv/csv-dialect.js";
import { CsvFileWriter } from "../../csv/csv-writer.js";
import type { ExportContext, ExportFormat } from "../../export-format.js";
import { exportFileName } from "../../file-name.js";
import { MissingFiles } from "../../files/missing-files.js";
import { ATTACHMENTS_ZIP_LABEL, writeAttachmentsPass } from "./attachments-pass.js";
import { candidateHeader } from "./candidate-columns.js";
import { CVS_ZIP_LABEL, writeCandidatesPass } from "./candidates-pass.js";
import { attachmentsCsv, writeDataFiles } from "./data-files.js";
import { countWork, loadCandidateLookups } from "./lookups.js";
import { writeMasterCsv } from "./master-csv.js";
import { DATA_TABLES } from "./tables/index.js";

/** Label of the Data Files part in the master CSV. */
export const DATA_FILES_LABEL = "Data Files (CSV)";
/** Progress is reported once per this many work units. */
const PROGRESS_EVERY = 200;

/** The full data export (`full` in the registry, API and `export_runs.format`). */
export const fullFormat: ExportFormat = {
  id: "full",
  label: "Full data export",
  mailPart: "master",
  write: writeFullExport,
};

async function writeFullExport(ctx: ExportContext): Promise<void> {
  ctx.signal.throwIfAborted();
  const name = (kind: string, ext: string) =>
    exportFileName(ctx.accountName, kind, ext, ctx.snapshotAt, ctx.timeZone);
  const lookups = await loadCandidateLookups(ctx.db, ctx.accountId);
  const rowTables = DATA_TABLES.flatMap((t) => (t.rowsOf ? [t.rowsOf] : []));
  const total = await countWork(ctx.db, ctx.accountId, rowTables);
  let done = 0;
  const step = (n = 1) => {
    const before = done;
    done += n;
    if (Math.floor(done / PROGRESS_EVERY) !== Math.floor(before / PROGRESS_EVERY)) ctx.progress(done, total);
  };
  ctx.progress(0, total);

  const tmp = (f: string) => path.join(ctx.tmpDir, f);
  const candidates = new CsvFileWriter(tmp("Candidates.csv"), candidateHeader(lookups.fields), HUMAN_CSV);
  const cvRows = new CsvFileWriter(tmp("attachments-cvs.csv"), null, HUMAN_CSV);
  const otherRows = new CsvFileWriter(tmp("attachments-other.csv"), null, HUMAN_CSV);
  const missing = new MissingFiles(tmp("missing-files.jsonl"));
  try {
    const cvs = await writeCandidatesPass(ctx, { fileName: name("internal-cvs", "zip") }, lookups, {
      candidates,
      attachments: cvRows,
      missing,
      onPerson: () => step(),
    });
    await candidates.close();
    await cvRows.close();
    const attachments = await writeAttachmentsPass(
      ctx,
      { fileName: name("attachments", "zip") },
      lookups.users,
      {
        attachments: otherRows,
        missing,
        onFile: () => step(),
      },
    );
    await otherRows.close();
    await missing.close();

    const data = await writeDataFiles(ctx, {
      fileName: name("data-files", "zip"),
      written: [
        attachmentsCsv(cvRows.rows + otherRows.rows, cvRows.path, otherRows.path),
        { file: "Candidates.csv", rowsOf: "persons", rows: candidates.rows, paths: [candidates.path] },
      ],
      parts: [
        {
          part: "attachments",
          label: ATTACHMENTS_ZIP_LABEL,
          ...summary(attachments.artifact),
          entries: attachments.files,
        },
        { part: "cvs", label: CVS_ZIP_LABEL, ...summary(cvs.artifact), entries: cvs.files },
      ],
      missing,
      onRows: (rows) => step(rows),
    });
    await writeMasterCsv(ctx, name("full-export", "csv"), [
      {
        label: DATA_FILES_LABEL,
        description: "All records as ten CSV files (UTF-8 with BOM) and manifest.json",
        artifact: data,
      },
      {
        label: ATTACHMENTS_ZIP_LABEL,
        description: "Every uploaded file except internal CVs; paths in Attachments.csv",
        artifact: attachments.artifact,
      },
      {
        label: CVS_ZIP_LABEL,
        description: "Every CV uploaded by the team for a candidate; paths in Candidates.csv",
        artifact: cvs.artifact,
      },
    ]);
    ctx.progress(Math.max(done, total), Math.max(done, total));
  } finally {
    for (const w of [candidates, cvRows, otherRows, missing]) w.destroy();
  }
}

function summary(a: { fileName: string; sizeBytes: number; sha256: string }) {
  return { file_name: a.fileName, size: a.sizeBytes, sha256: a.sha256 };
}
