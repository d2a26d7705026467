/**
 * A standalone `.xlsx` as a byte stream (e.g. the "Candidates Excel Report" download,
 * docs/EXPORTS.md#the-candidates-excel-report). Kept apart from xlsx-writer.ts so that module needs
 * the zip writer only as a type.
 */
import type { Readable } from "node:stream";
import { ZipWriter } from "../zip/zip-writer.js";
import type { CellValue } from "./cell-value.js";
import { XlsxWriter, type XlsxWriterOptions } from "./xlsx-writer.js";

/** Options of {@link writeXlsx}: the sheet's, plus the zip entries' modification time. */
export interface WriteXlsxOptions extends XlsxWriterOptions {
  /** Modification time of the package parts (default: `created`, else now). */
  mtime?: Date;
}

/**
 * Streams `rows` into a new workbook and returns the `.xlsx` bytes. Pulling from the result
 * drives the iteration (backpressure end to end). If `rows` throws, the stream is destroyed
 * with that error, so a partial file is never mistaken for a complete one.
 */
export function writeXlsx(rows: AsyncIterable<readonly CellValue[]>, opts: WriteXlsxOptions): Readable {
  const mtime = opts.mtime ?? opts.created ?? new Date();
  const zip = new ZipWriter({ mtime });
  const xlsx = new XlsxWriter(zip, { ...opts, created: opts.created ?? mtime });
  void (async () => {
    try {
      for await (const row of rows) await xlsx.addRow(row);
      await xlsx.finish();
      await zip.finish();
    } catch (err) {
      zip.abort(err instanceof Error ? err : new Error(String(err)));
    }
  })();
  return zip.output;
}
