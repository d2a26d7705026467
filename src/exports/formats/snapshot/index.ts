/**
 * The snapshot (docs/EXPORTS.md#the-snapshot, the "Stardex" format): one zip holding every record
 * of the account as machine-facing CSVs, one folder per entity, the attachments' bytes,
 * `datapackage.json` and `manifest.json`. The layout — which CSV holds which rows and columns — is
 * `layout.ts`, shared with `hirevault verify` and `hirevault import`.
 *
 * Entries, in order:
 * 1. `files/<attachment id>/<name>` — every attachment's bytes (files-pass.ts);
 * 2. every CSV of the layout in path order (csv-files.ts), with the `path` of each attachment
 *    row empty when its file could not be read in step 1;
 * 3. `datapackage.json` (needs every CSV's size and hash);
 * 4. `manifest.json`, last (docs/EXPORTS.md#integrity).
 *
 * The zip is streamed to storage as it is written; the only state kept is the ids of the files
 * left out and, in a temp file, why. Progress is counted in rows and files, the total taken from
 * counts at the start. Not payment-gated, no email: the data is never held hostage.
 */
import path from "node:path";
import { Readable } from "node:stream";
import { addMetered } from "../../artifact-meter.js";
import type { ExportContext, ExportFormat } from "../../export-format.js";
import { snapshotFileName } from "../../file-name.js";
import { MissingFiles } from "../../files/missing-files.js";
import { writeZipArtifact } from "../../zip-artifact.js";
import { writeSnapshotCsvs } from "./csv-files.js";
import { datapackageJson } from "./datapackage.js";
import { countAttachments, writeAttachmentFiles } from "./files-pass.js";
import { DATAPACKAGE_FILE, MANIFEST_FILE, SNAPSHOT_FILES } from "./layout.js";
import { snapshotManifest } from "./snapshot-manifest.js";
import { countFileRows } from "./table-rows.js";

/** Progress is reported once per this many rows or files (and at the start and the end). */
const PROGRESS_EVERY = 500;

/** The snapshot format (`snapshot` in the registry, API, CLI and `export_runs.format`). */
export const snapshotFormat: ExportFormat = {
  id: "snapshot",
  label: "Snapshot",
  write: writeSnapshot,
};

async function writeSnapshot(ctx: ExportContext): Promise<void> {
  ctx.signal.throwIfAborted();
  const total = await countWork(ctx);
  let done = 0;
  const step = (n: number) => {
    const before = done;
    done += n;
    if (Math.floor(done / PROGRESS_EVERY) !== Math.floor(before / PROGRESS_EVERY)) ctx.progress(done, total);
  };
  ctx.progress(0, total);

  const missingList = new MissingFiles(path.join(ctx.tmpDir, "missing-files.jsonl"));
  const spec = {
    part: "snapshot",
    fileName: snapshotFileName(ctx.accountName, ctx.snapshotAt, ctx.timeZone),
    contentType: "application/zip",
  };
  try {
    await writeZipArtifact(ctx, spec, async (zip) => {
      const attachments = await writeAttachmentFiles(ctx, zip, missingList, () => step(1));
      await missingList.close();
      const csvs = await writeSnapshotCsvs(ctx, zip, {
        files: SNAPSHOT_FILES,
        included: (id) => !attachments.missing.has(id),
        onRows: step,
      });
      const measured = new Map(csvs.files.map((f) => [f.path, f]));
      const descriptor = datapackageJson({
        accountName: ctx.accountName,
        snapshotAt: ctx.snapshotAt,
        files: SNAPSHOT_FILES,
        measured,
      });
      const dp = await addMetered(zip, DATAPACKAGE_FILE, Readable.from([Buffer.from(descriptor)]));
      const manifest = snapshotManifest(ctx, {
        tables: csvs.tables,
        files: [...csvs.files, dp],
        attachmentFiles: { entries: attachments.entries, bytes: attachments.bytes },
        missingCount: missingList.count,
        missing: missingList.read(),
      });
      await zip.addEntry(MANIFEST_FILE, manifest, { compress: true });
    });
    ctx.progress(Math.max(done, total), Math.max(done, total));
  } finally {
    missingList.destroy();
  }
}

/** Work units: the rows of every CSV plus the attachments' files. */
async function countWork(ctx: ExportContext): Promise<number> {
  let total = await countAttachments(ctx);
  const source = { db: ctx.db, accountId: ctx.accountId, signal: ctx.signal };
  for (const file of SNAPSHOT_FILES) {
    ctx.signal.throwIfAborted();
    total += await countFileRows(source, file);
  }
  return total;
}
