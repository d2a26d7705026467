/**
 * The Data Files zip (docs/EXPORTS.md#the-full-data-export part 1): the ten CSVs in file-name
 * order, then `manifest.json` (docs/EXPORTS.md#integrity) with each CSV's row count, size and
 * SHA-256, the two file zips' sizes and hashes, and the files that could not be read.
 * `Attachments.csv` and `Candidates.csv` come from temp files written by the file passes; the other
 * eight are streamed from the snapshot as they are zipped.
 */
import fs from "node:fs";
import { Readable } from "node:stream";
import { APP_VERSION } from "../../../app-version.js";
import { addMetered } from "../../artifact-meter.js";
import { BOM, csvLine, HUMAN_CSV } from "../../csv/csv-dialect.js";
import { csvStream } from "../../csv/csv-writer.js";
import type { ExportContext, SavedArtifact } from "../../export-format.js";
import type { MissingFiles } from "../../files/missing-files.js";
import { type ManifestFile, type ManifestPart, type ManifestTable, manifestStream } from "../../manifest.js";
import { writeZipArtifact } from "../../zip-artifact.js";
import { ATTACHMENT_HEADER } from "./attachment-rows.js";
import { DATA_TABLES } from "./tables/index.js";

/** Format name and version in `manifest.json` (bump the version when a column changes meaning). */
export const FULL_EXPORT_FORMAT = "hirevault.full-export";
export const FULL_EXPORT_VERSION = 1;
export const MANIFEST_FILE = "manifest.json";

/** A CSV already written to temp files by a file pass. */
export interface WrittenCsv {
  file: string;
  rowsOf: string;
  rows: number;
  /** Temp files concatenated in order (the first carries the header, unless `header` is given). */
  paths: string[];
  /** A header line to write first (for files written headerless). */
  header?: readonly string[];
}

/** What the file passes produced. */
export interface DataFilesInput {
  fileName: string;
  written: WrittenCsv[];
  parts: ManifestPart[];
  missing: MissingFiles;
  /** Called with the rows of each streamed table as it is done. */
  onRows(rows: number): void;
}

/** Writes the Data Files zip; resolves with the saved artifact. */
export function writeDataFiles(ctx: ExportContext, input: DataFilesInput): Promise<SavedArtifact> {
  const spec = { part: "data", fileName: input.fileName, contentType: "application/zip" };
  return writeZipArtifact(ctx, spec, async (zip) => {
    const tables: ManifestTable[] = [];
    const files: ManifestFile[] = [];
    type Entry = { file: string; write(): Promise<void> };
    const entries: Entry[] = [
      ...input.written.map((w) => ({
        file: w.file,
        write: async () => {
          files.push(await addMetered(zip, w.file, concat(w)));
          tables.push({ file: w.file, rows: w.rows, rows_of: w.rowsOf });
        },
      })),
      ...DATA_TABLES.map((t) => ({
        file: t.file,
        write: async () => {
          const opened = await t.open({ db: ctx.db, accountId: ctx.accountId, signal: ctx.signal });
          const counter = { rows: 0 };
          files.push(
            await addMetered(zip, t.file, csvStream(opened.header, opened.rows, HUMAN_CSV, counter)),
          );
          tables.push({ file: t.file, rows: counter.rows, rows_of: t.rowsOf });
          input.onRows(counter.rows);
        },
      })),
    ].sort((a, b) => (a.file < b.file ? -1 : 1));
    for (const e of entries) {
      ctx.signal.throwIfAborted();
      await e.write();
    }
    const manifest = manifestStream(
      {
        format: FULL_EXPORT_FORMAT,
        format_version: FULL_EXPORT_VERSION,
        app_version: APP_VERSION,
        account: { id: ctx.accountId, name: ctx.accountName },
        snapshot_at: ctx.snapshotAt.toISOString(),
        tables,
        files,
        parts: input.parts,
        missing_files_count: input.missing.count,
      },
      input.missing.read(),
    );
    await zip.addEntry(MANIFEST_FILE, manifest, { compress: true });
  });
}

/** The temp files of a written CSV, one after another (after its header line, if any). */
function concat(w: WrittenCsv): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    if (w.header) yield Buffer.from(BOM + csvLine(w.header, HUMAN_CSV));
    for (const p of w.paths) for await (const chunk of fs.createReadStream(p)) yield chunk as Buffer;
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** `Attachments.csv` as the passes wrote it: header, the internal CVs' rows, then the others. */
export function attachmentsCsv(rows: number, cvRowsPath: string, otherRowsPath: string): WrittenCsv {
  return {
    file: "Attachments.csv",
    rowsOf: "attachments",
    rows,
    paths: [cvRowsPath, otherRowsPath],
    header: ATTACHMENT_HEADER,
  };
}
