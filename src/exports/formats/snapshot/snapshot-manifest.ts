/**
 * The snapshot's `manifest.json` (docs/EXPORTS.md#integrity): format and version, app version, the
 * account (with its time zone, which an import restores), the snapshot time, each CSV's row count
 * and the table its rows are of, size and SHA-256 of every CSV and of `datapackage.json`, a total
 * for the attachments' bytes under `files/`, and every file that could not be read.
 *
 * The attachments' bytes are not listed one by one: each is checked against its row's
 * `size_bytes` and `sha256` (in `companies/documents.csv` and `files/attachments.csv`, whose own
 * hashes are here), which keeps the manifest small at a million files. Keys are built in a fixed
 * order and lists are in zip order, so the same data gives the same bytes
 * (docs/EXPORTS.md#integrity).
 */
import type { Readable } from "node:stream";
import { APP_VERSION } from "../../../app-version.js";
import type { ExportContext } from "../../export-format.js";
import {
  type ManifestAttachmentFiles,
  type ManifestFile,
  type ManifestHeader,
  type ManifestMissing,
  type ManifestTable,
  manifestStream,
} from "../../manifest.js";
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from "./layout.js";

/** What the manifest is made from. */
export interface SnapshotManifestInput {
  tables: ManifestTable[];
  /** The CSVs, then `datapackage.json`. */
  files: ManifestFile[];
  attachmentFiles: ManifestAttachmentFiles;
  missingCount: number;
  missing: AsyncIterable<ManifestMissing>;
}

/** The header of the manifest (everything but the streamed `missing_files` list). */
export function snapshotManifestHeader(
  ctx: Pick<ExportContext, "accountId" | "accountName" | "timeZone" | "snapshotAt">,
  input: Omit<SnapshotManifestInput, "missing">,
): ManifestHeader {
  return {
    format: SNAPSHOT_FORMAT,
    format_version: SNAPSHOT_VERSION,
    app_version: APP_VERSION,
    account: { id: ctx.accountId, name: ctx.accountName, time_zone: ctx.timeZone },
    snapshot_at: ctx.snapshotAt.toISOString(),
    tables: input.tables,
    files: input.files,
    attachment_files: { entries: input.attachmentFiles.entries, bytes: input.attachmentFiles.bytes },
    missing_files_count: input.missingCount,
  };
}

/** `manifest.json` as a stream (the missing-files list may be long). */
export function snapshotManifest(
  ctx: Pick<ExportContext, "accountId" | "accountName" | "timeZone" | "snapshotAt">,
  input: SnapshotManifestInput,
): Readable {
  return manifestStream(snapshotManifestHeader(ctx, input), input.missing);
}
