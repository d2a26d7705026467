/**
 * The snapshot's CSVs (docs/EXPORTS.md#the-snapshot, docs/EXPORTS.md#names-and-cells machine-facing
 * CSV): every file of the layout, in path order, each DEFLATEd and streamed from the snapshot as it
 * is zipped — header = the layout's column names, then one record per row — while its bytes are
 * hashed and counted for `datapackage.json` and `manifest.json`. One file is read at a time, one
 * query at a time.
 */

import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { addMetered } from "../../artifact-meter.js";
import { CopyCsvLines } from "../../csv/copy-csv-lines.js";
import { csvLine, MACHINE_CSV } from "../../csv/csv-dialect.js";
import { csvStream } from "../../csv/csv-writer.js";
import type { ExportContext } from "../../export-format.js";
import type { ManifestFile, ManifestTable } from "../../manifest.js";
import type { ZipWriter } from "../../zip/zip-writer.js";
import { copyFileRecords } from "./copy-rows.js";
import type { SnapshotFile } from "./layout.js";
import { fileRows } from "./table-rows.js";

/** What was written: one table entry and one measured file per CSV, in zip order. */
export interface WrittenCsvs {
  tables: ManifestTable[];
  files: ManifestFile[];
}

/** Options of {@link writeSnapshotCsvs}. */
export interface CsvFilesInput {
  files: readonly SnapshotFile[];
  /** Whether an attachment's bytes are in the zip (else its `path` is empty). */
  included(attachmentId: string): boolean;
  /** Rows written so far, reported after each page. */
  onRows(rows: number): void;
  /** Rows per query (tests). */
  batchSize?: number;
}

export async function writeSnapshotCsvs(
  ctx: ExportContext,
  zip: ZipWriter,
  input: CsvFilesInput,
): Promise<WrittenCsvs> {
  const written: WrittenCsvs = { tables: [], files: [] };
  const source = {
    db: ctx.db,
    accountId: ctx.accountId,
    signal: ctx.signal,
    ...(input.batchSize ? { batchSize: input.batchSize } : {}),
  };
  for (const file of input.files) {
    ctx.signal.throwIfAborted();
    const counter = { rows: 0 };
    const header = file.columns.map((c) => c.name);
    const records = await copyFileRecords(source, file);
    const body = records
      ? Readable.from(copiedCsv(csvLine(header, MACHINE_CSV), records, counter, ctx.signal, input.onRows))
      : csvStream(header, fileRows(source, file, input.included, input.onRows), MACHINE_CSV, counter);
    written.files.push(await addMetered(zip, file.path, body));
    written.tables.push({ file: file.path, rows: counter.rows, rows_of: file.table });
  }
  return written;
}

/**
 * The header, then COPY's records with CRLF endings. Stopped early (the zip failed, the run was
 * cancelled), the COPY is read to its end rather than destroyed: a COPY left half-read holds the
 * snapshot's connection, and the transaction's ROLLBACK would wait behind it for ever.
 */
export async function* copiedCsv(
  header: string,
  records: Readable,
  counter: { rows: number },
  signal: AbortSignal,
  onRows: (rows: number) => void,
): AsyncGenerator<Buffer> {
  const lines = new CopyCsvLines();
  let ended = false;
  try {
    yield Buffer.from(header, "utf8");
    for await (const chunk of records.iterator({ destroyOnReturn: false })) {
      signal.throwIfAborted();
      const before = lines.rows;
      const converted = lines.convert(chunk as Buffer);
      counter.rows = lines.rows;
      onRows(lines.rows - before);
      yield converted;
    }
    ended = true;
  } finally {
    if (!ended && !records.destroyed) {
      records.resume();
      await finished(records).catch(() => undefined);
    }
  }
}
