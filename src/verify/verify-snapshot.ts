/**
 * `hirevault verify` of a snapshot zip (docs/EXPORTS.md#the-snapshot, docs/EXPORTS.md#integrity,
 * docs/EXPORTS.md#verifying-an-export). Against the one layout the writer and the importer use
 * (`formats/snapshot/layout.ts`):
 * - `manifest.json`: a known format and version; every CSV of the layout and `datapackage.json`
 *   listed with its size and SHA-256, every CSV with its row count;
 * - every CSV of the layout present, its header the layout's columns, its records counted;
 * - no entry the layout does not explain (extra entries fail);
 * - every entry read in full (CRC-32, size); attachment bytes against their rows
 *   (snapshot-files.ts); `datapackage.json` against the CSVs (snapshot-datapackage.ts).
 */
import type { ZipEntryInfo } from "../archive/zip-reader.js";
import {
  DATAPACKAGE_FILE,
  FILES_DIR,
  MANIFEST_FILE,
  PATH_COLUMN,
  SNAPSHOT_FILES,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
} from "../exports/formats/snapshot/layout.js";
import type { Digest, OpenedZip, VerifyContext } from "./archive-pass.js";
import { inZip } from "./checks.js";
import { type CsvSummary, csvConsumer } from "./csv-check.js";
import { readEntries, reportTally } from "./entry-reader.js";
import { checkListedFile } from "./listed-file.js";
import { readManifest } from "./manifest-json.js";
import { checkDatapackage } from "./snapshot-datapackage.js";
import { AttachmentRows } from "./snapshot-files.js";

const LAYOUT = new Map(SNAPSHOT_FILES.map((f) => [f.path, f]));
/** The CSVs whose rows name the attachments' bytes (`path`). */
const ATTACHMENT_CSVS = SNAPSHOT_FILES.filter((f) => f.columns.includes(PATH_COLUMN)).map((f) => f.path);
/** Folders a directory entry may name besides those under `files/`: the layout's. */
const FOLDERS = new Set(SNAPSHOT_FILES.map((f) => `${f.path.slice(0, f.path.lastIndexOf("/"))}/`));

export async function verifySnapshot(ctx: VerifyContext, zip: OpenedZip): Promise<void> {
  const manifest = await readManifest(ctx, zip, SNAPSHOT_FORMAT, SNAPSHOT_VERSION);
  const { files: fileEntries, extras } = checkEntryNames(ctx, zip);
  const attachments = new AttachmentRows(ctx, zip);
  const summaries = new Map<string, CsvSummary>();
  const digests = new Map<string, Digest>();
  const tally = await readEntries(ctx, zip, [MANIFEST_FILE, DATAPACKAGE_FILE, ...LAYOUT.keys(), ...extras], {
    consumer: (entry) => {
      const file = LAYOUT.get(entry.name);
      if (!file) return undefined;
      const expect = {
        bom: false, // machine-facing CSV (docs/EXPORTS.md#names-and-cells)
        header: file.columns.map((c) => c.name),
        ...(file.columns.includes(PATH_COLUMN) ? { onRecord: attachments.collector(file.path) } : {}),
      };
      return csvConsumer(expect, (summary) => summaries.set(file.path, summary));
    },
    onEntry: (entry, digest) => digests.set(entry.name, digest),
  });
  // Files are matched with their rows only when both attachment CSVs were read whole.
  const rowsRead = ATTACHMENT_CSVS.every((path) => summaries.has(path));
  if (!rowsRead)
    ctx.checks.note(
      "files under files/ were not matched with their rows: a CSV naming them could not be read",
    );
  const match = (intact: boolean) => (entry: ZipEntryInfo, digest: Digest | null) => {
    if (rowsRead) attachments.entry(entry.name, entry.uncompressedSize, digest, intact);
  };
  await readEntries(ctx, zip, fileEntries, { onEntry: match(true), onFailed: match(false) }, tally);
  reportTally(ctx, zip, tally);
  if (!manifest) return; // nothing to compare the files with (already a FAIL)

  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  const tables = new Map(manifest.tables.map((t) => [t.file, t]));
  for (const path of LAYOUT.keys())
    checkListedFile(ctx, zip, {
      path,
      digest: digests.get(path),
      listed: listed.get(path),
      csv: { summary: summaries.get(path), table: tables.get(path) },
    });
  checkListedFile(ctx, zip, {
    path: DATAPACKAGE_FILE,
    digest: digests.get(DATAPACKAGE_FILE),
    listed: listed.get(DATAPACKAGE_FILE),
  });
  const subject = inZip(MANIFEST_FILE, zip.name);
  for (const f of manifest.files)
    if (!LAYOUT.has(f.path) && f.path !== DATAPACKAGE_FILE)
      ctx.checks.fail(subject, `files lists ${f.path}, which is not a file of the snapshot`);
  for (const t of manifest.tables)
    if (!LAYOUT.has(t.file))
      ctx.checks.fail(subject, `tables lists ${t.file}, which is not a CSV of the snapshot`);
  await checkDatapackage(ctx, zip, [...LAYOUT.keys()], digests);
  if (rowsRead) attachments.finish(manifest);
}

/**
 * Every entry must be explained by the layout: the two JSON files, its CSVs, a file under
 * `files/`, or a folder of those. Reports extras and absent CSVs; returns the `files/` entries
 * and the extras (read all the same: every entry's CRC-32 is checked).
 */
function checkEntryNames(ctx: VerifyContext, zip: OpenedZip): { files: string[]; extras: string[] } {
  const files: string[] = [];
  const extras: string[] = [];
  for (const [name, entry] of zip.archive.entries) {
    if (name === MANIFEST_FILE || name === DATAPACKAGE_FILE || LAYOUT.has(name)) continue;
    if (name.startsWith(`${FILES_DIR}/`)) {
      if (!entry.isDirectory) files.push(name);
      continue;
    }
    if (entry.isDirectory && FOLDERS.has(name)) continue;
    extras.push(name);
    ctx.checks.fail(
      inZip(name, zip.name),
      "extra: neither manifest.json, datapackage.json, a CSV of the snapshot's layout, nor a file under files/",
    );
  }
  let absent = 0;
  for (const path of LAYOUT.keys())
    if (!zip.archive.entries.has(path)) {
      absent++;
      ctx.checks.fail(
        inZip(path, zip.name),
        "absent: the snapshot's layout has this CSV (docs/EXPORTS.md#the-snapshot)",
      );
    }
  if (extras.length === 0 && absent === 0)
    ctx.checks.pass(
      zip.name,
      `every CSV of the layout present (${LAYOUT.size}), no entry the layout does not explain`,
    );
  return { files, extras };
}
