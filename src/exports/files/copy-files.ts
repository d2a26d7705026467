/**
 * The one loop that copies stored files into an export's zip, in the order of the items that
 * carry them (report rows, persons' CVs, attachments). Files are opened a few items ahead; each
 * item is handed back once its file is in the zip or left out, with the reason it was left out
 * as the result: a missing or resized file is never fatal and never silent (a warning, and a
 * line in the missing-files list when the format keeps one). Any other storage error rejects,
 * and the job layer retries the whole export.
 */
import type { ExportContext, ExportWarning } from "../export-format.js";
import type { ZipWriter } from "../zip/zip-writer.js";
import { FileOpener, type OpenedFile } from "./file-opener.js";
import type { MissingFiles } from "./missing-files.js";
import { readAhead } from "./read-ahead.js";
import type { StoredFile } from "./stored-file.js";

/**
 * Files opened ahead of the one being written: hides storage round trips (an S3 HEAD + GET per
 * file) behind the copy of the previous ones; each holds at most one open stream.
 */
const READ_AHEAD = 8;

/** An item after its file was copied: `skipped` is null when it is in the zip (or it has none). */
export interface Copied<T> {
  item: T;
  skipped: string | null;
}

/** Options of {@link copyFiles}. */
export interface CopyFilesOptions<T> {
  /** The file an item carries, or null for an item without one. */
  fileOf(item: T): StoredFile | null;
  /** Where files left out are listed (`manifest.json`), under which part; none for the backup. */
  missing?: { list: MissingFiles; part: string };
}

/**
 * Copies each item's file into `zip` at its `path` (STOREd, its recorded size declared up front)
 * and yields the items in order. Stopping early (break, throw) releases the files opened ahead.
 */
export async function* copyFiles<T>(
  ctx: Pick<ExportContext, "blobs" | "warn" | "signal">,
  zip: ZipWriter,
  items: AsyncIterable<T>,
  opts: CopyFilesOptions<T>,
): AsyncGenerator<Copied<T>> {
  const opener = new FileOpener(ctx);
  const ahead = readAhead(
    items,
    READ_AHEAD,
    (item) => {
      const file = opts.fileOf(item);
      return file ? { file, opened: opener.open(file) } : null;
    },
    (started) => started && FileOpener.discard(started.opened),
  );
  for await (const { item, started } of ahead) {
    if (ctx.signal.aborted) {
      if (started) FileOpener.discard(started.opened);
      throw ctx.signal.reason;
    }
    const skipped = started
      ? await addFile(ctx, zip, started.file, await started.opened, opts.missing)
      : null;
    yield { item, skipped };
  }
}

/** Adds an opened file: null when it is in the zip, else why not (warned and listed). */
async function addFile(
  ctx: Pick<ExportContext, "warn" | "signal">,
  zip: ZipWriter,
  file: StoredFile,
  opened: OpenedFile,
  missing: CopyFilesOptions<unknown>["missing"],
): Promise<string | null> {
  if ("error" in opened) throw opened.error;
  if ("skip" in opened) {
    const warning: ExportWarning = {
      entity: "attachment",
      id: file.attachmentId,
      path: file.path,
      reason: opened.skip,
    };
    ctx.warn(warning);
    if (missing) await missing.list.add(missing.part, warning);
    return opened.skip;
  }
  try {
    await zip.addEntry(file.path, opened.body, { size: file.sizeBytes });
  } catch (err) {
    ctx.signal.throwIfAborted(); // cancelled mid-file: the abort is the cause
    throw err;
  }
  return null;
}
