/**
 * `hirevault verify` of the full data export's Data Files zip
 * (docs/EXPORTS.md#the-full-data-export, docs/EXPORTS.md#integrity): exactly the ten CSVs of
 * docs/EXPORTS.md#the-full-data-export and `manifest.json`; each CSV human-facing (BOM, CRLF, RFC
 * 4180), with the size, SHA-256 and row count the manifest says; then the two file zips the
 * manifest's `parts` name, found next to it: their size and SHA-256, number of files, every entry's
 * CRC-32, and each file against its `Attachments.csv` row (full-attachments.ts).
 *
 * Given the Data Files zip alone, a part that is not next to it is noted, not failed (a user may
 * have downloaded only that file); given the master CSV, every part must be there (verify-master).
 */
import { FULL_EXPORT_FORMAT, FULL_EXPORT_VERSION } from "../exports/formats/full/data-files.js";
import type { Digest, OpenedZip, VerifyContext } from "./archive-pass.js";
import { inZip } from "./checks.js";
import { type CsvSummary, csvConsumer } from "./csv-check.js";
import { readEntries, reportTally } from "./entry-reader.js";
import type { FileDigests } from "./file-digests.js";
import { ATTACHMENTS_CSV, AttachmentIndex } from "./full-attachments.js";
import { verifyParts } from "./full-parts.js";
import { checkListedFile } from "./listed-file.js";
import { MANIFEST_ENTRY, readManifest, type VerifiedManifest } from "./manifest-json.js";

/** The ten CSVs of the Data Files zip, as docs/EXPORTS.md#the-full-data-export names them. */
export const DATA_FILES_CSVS = [
  "Attachments.csv",
  "Audit_Logs.csv",
  "Candidates.csv",
  "Companies.csv",
  "Contacts.csv",
  "Folder_Records.csv",
  "Job_Pipelines.csv",
  "Jobs.csv",
  "Tasks.csv",
  "Users.csv",
] as const;

/** How the parts next to the Data Files zip are treated when absent. */
export interface DataFilesOptions {
  partsRequired: boolean;
  digests: FileDigests;
}

/** Verifies an opened Data Files zip and the part zips next to it; resolves with its manifest. */
export async function verifyDataFiles(
  ctx: VerifyContext,
  zip: OpenedZip,
  opts: DataFilesOptions,
): Promise<VerifiedManifest | null> {
  const manifest = await readManifest(ctx, zip, FULL_EXPORT_FORMAT, FULL_EXPORT_VERSION);
  const expected = new Set<string>([...DATA_FILES_CSVS, MANIFEST_ENTRY]);
  const extras = [...zip.archive.entries.keys()].filter((name) => !expected.has(name));
  for (const name of extras)
    ctx.checks.fail(
      inZip(name, zip.name),
      "extra: not one of the ten CSVs of docs/EXPORTS.md#the-full-data-export nor manifest.json",
    );
  for (const name of DATA_FILES_CSVS)
    if (!zip.archive.entries.has(name))
      ctx.checks.fail(
        inZip(name, zip.name),
        "absent: one of the ten CSVs of docs/EXPORTS.md#the-full-data-export",
      );

  const attachments = new AttachmentIndex(ctx, zip.name);
  const summaries = new Map<string, CsvSummary>();
  const digests = new Map<string, Digest>();
  const tally = await readEntries(ctx, zip, [...DATA_FILES_CSVS, MANIFEST_ENTRY, ...extras], {
    consumer: (entry) =>
      !entry.name.endsWith(".csv") || !expected.has(entry.name)
        ? undefined
        : csvConsumer(
            // Human-facing CSV (docs/EXPORTS.md#names-and-cells): BOM, CRLF.
            { bom: true, ...(entry.name === ATTACHMENTS_CSV ? { onRecord: attachments.collect } : {}) },
            (summary) => summaries.set(entry.name, summary),
          ),
    onEntry: (entry, digest) => digests.set(entry.name, digest),
  });
  reportTally(ctx, zip, tally);
  if (!manifest) return null;

  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  const tables = new Map(manifest.tables.map((t) => [t.file, t]));
  for (const name of DATA_FILES_CSVS)
    checkListedFile(ctx, zip, {
      path: name,
      digest: digests.get(name),
      listed: listed.get(name),
      csv: { summary: summaries.get(name), table: tables.get(name) },
    });
  // Files are matched with their rows only when Attachments.csv was read whole.
  const rows = summaries.has(ATTACHMENTS_CSV) && attachments.usable ? attachments : null;
  if (rows) rows.checkMissing(manifest);
  else ctx.checks.note(`${ATTACHMENTS_CSV} could not be read: files were not matched with their rows`);
  await verifyParts(ctx, zip, manifest, rows, opts);
  return manifest;
}
