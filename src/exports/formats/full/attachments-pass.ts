/**
 * The pass over attachments (all but persons' internal CVs): writes the Attachments zip, streamed
 * to storage, and their rows of `Attachments.csv` (temp file), in attachment id order. Files sit
 * in `<Record type>/<Record name> (<id>)/<file>`.
 */

import type { CsvFileWriter } from "../../csv/csv-writer.js";
import type { ExportContext, SavedArtifact } from "../../export-format.js";
import { copyFiles } from "../../files/copy-files.js";
import type { MissingFiles } from "../../files/missing-files.js";
import type { StoredFile } from "../../files/stored-file.js";
import { writeZipArtifact } from "../../zip-artifact.js";
import { type FileRecord, loadAttachmentBatch, TYPE_FOLDERS } from "./attachment-batch.js";
import { attachmentRow, INCLUDED } from "./attachment-rows.js";
import { EntryPaths, recordFolder } from "./entry-paths.js";
import { recordName as recordNameOf } from "./tables/record-names.js";

const BATCH_SIZE = 500;
/** How the Attachments zip is named in `Attachments.csv` and the master CSV. */
export const ATTACHMENTS_ZIP_LABEL = "Attachments";

interface Item {
  file: FileRecord;
  recordName: string | null;
  resume: StoredFile;
}

/** Runs the pass; resolves with the saved Attachments zip and how many files it holds. */
export async function writeAttachmentsPass(
  ctx: ExportContext,
  spec: { fileName: string },
  users: ReadonlyMap<string, string>,
  sinks: { attachments: CsvFileWriter; missing: MissingFiles; onFile(): void },
): Promise<{ artifact: SavedArtifact; files: number }> {
  let files = 0;
  const artifact = await writeZipArtifact(
    ctx,
    { part: "attachments", fileName: spec.fileName, contentType: "application/zip" },
    async (zip) => {
      const copied = copyFiles(ctx, zip, items(ctx), {
        fileOf: (item) => item.resume,
        missing: { list: sinks.missing, part: "attachments" },
      });
      for await (const { item, skipped: missing } of copied) {
        if (missing === null) files++;
        await sinks.attachments.write(
          attachmentRow(
            item.file,
            {
              recordName: item.recordName,
              zipLabel: ATTACHMENTS_ZIP_LABEL,
              path: missing === null ? item.resume.path : null,
              status: missing === null ? INCLUDED : `missing: ${missing}`,
            },
            users,
          ),
        );
        sinks.onFile();
      }
    },
  );
  return { artifact, files };
}

/** Attachments in id order; a record's files need not come together (see `EntryPaths`). */
async function* items(ctx: ExportContext): AsyncGenerator<Item> {
  const paths = new EntryPaths();
  let after: string | null = null;
  for (;;) {
    ctx.signal.throwIfAborted();
    const { files, names } = await loadAttachmentBatch(ctx.db, ctx.accountId, after, BATCH_SIZE);
    for (const file of files) {
      const recordName = recordNameOf(names, { type: file.entity_type, id: file.entity_id });
      const folder = `${TYPE_FOLDERS[file.entity_type] ?? "Other"}/${recordFolder(recordName, file.entity_id)}`;
      const resume: StoredFile = {
        attachmentId: file.id,
        storageKey: file.storage_key,
        fileName: file.file_name,
        sizeBytes: Number(file.size_bytes),
        path: paths.place(folder, file.file_name),
      };
      yield { file, recordName, resume };
    }
    if (files.length < BATCH_SIZE) return;
    after = files[files.length - 1]!.id;
  }
}
