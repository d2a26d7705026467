/**
 * The snapshot's `files/` (docs/EXPORTS.md#the-snapshot): the bytes of every attachment of the
 * account, whatever it is attached to, at `files/<attachment id>/<safe file name>`, in attachment
 * id order, STOREd (CVs and documents are compressed already) with the row's `size_bytes` declared
 * up front.
 *
 * The copy is every format's (`copyFiles`): files are opened a few ahead, their size checked in
 * storage before the entry starts; a file missing from storage or of another size is left out
 * with a warning and listed in the manifest (docs/EXPORTS.md#integrity: never fatal, never silent),
 * and its row's `path` is then empty. Any other storage error rejects, and the job layer retries
 * the export.
 */
import type { ExportContext } from "../../export-format.js";
import { copyFiles } from "../../files/copy-files.js";
import type { MissingFiles } from "../../files/missing-files.js";
import type { StoredFile } from "../../files/stored-file.js";
import type { ZipWriter } from "../../zip/zip-writer.js";
import { attachmentEntryPath, FILES_DIR } from "./layout.js";

/** Attachments per query. */
const BATCH_SIZE = 500;

/** What the pass put in the zip, and which attachments it had to leave out. */
export interface FilesPassResult {
  entries: number;
  bytes: number;
  /** Ids of the attachments whose bytes are not in the zip (their `path` is empty). */
  missing: ReadonlySet<string>;
}

/** Adds every attachment's bytes to `zip`; records the ones left out in `missingList`. */
export async function writeAttachmentFiles(
  ctx: ExportContext,
  zip: ZipWriter,
  missingList: MissingFiles,
  onFile: () => void,
): Promise<FilesPassResult> {
  // Ids only (not paths or reasons: those go to the temp file): 100,000 ids are a few MB.
  const missing = new Set<string>();
  let entries = 0;
  let bytes = 0;
  const copied = copyFiles(ctx, zip, attachments(ctx), {
    fileOf: (file) => file,
    missing: { list: missingList, part: FILES_DIR },
  });
  for await (const { item, skipped } of copied) {
    if (skipped === null) {
      entries++;
      bytes += item.sizeBytes;
    } else missing.add(item.attachmentId);
    onFile();
  }
  return { entries, bytes, missing };
}

/** The account's attachments in id order, as files to copy. */
async function* attachments(ctx: ExportContext): AsyncGenerator<StoredFile> {
  let after = "";
  for (;;) {
    ctx.signal.throwIfAborted();
    const page = await ctx.db
      .selectFrom("attachments")
      .select(["id", "file_name", "size_bytes", "storage_key"])
      .where("account_id", "=", ctx.accountId)
      .where("id", ">", after)
      .orderBy("id")
      .limit(BATCH_SIZE)
      .execute();
    for (const a of page) {
      yield {
        attachmentId: a.id,
        storageKey: a.storage_key,
        fileName: a.file_name,
        sizeBytes: Number(a.size_bytes),
        path: attachmentEntryPath(a.id, a.file_name),
      };
    }
    if (page.length < BATCH_SIZE) return;
    after = page[page.length - 1]!.id;
  }
}

/** Number of attachments (files) the pass will go through, for the progress total. */
export async function countAttachments(ctx: Pick<ExportContext, "db" | "accountId">): Promise<number> {
  const { n } = await ctx.db
    .selectFrom("attachments")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("account_id", "=", ctx.accountId)
    .executeTakeFirstOrThrow();
  return Number(n);
}
