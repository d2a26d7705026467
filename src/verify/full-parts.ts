/**
 * The full export's two file zips (docs/EXPORTS.md#the-full-data-export parts 2 and 3), as the Data
 * Files zip's `manifest.json` lists them in `parts`, found in the same directory: each one's size
 * and SHA-256, its number of files, every entry read in full (CRC-32), and each file against its
 * `Attachments.csv` row (full-attachments.ts). An absent part fails when the master CSV lists it
 * too (`partsRequired`), and is a note when the Data Files zip is verified alone.
 */
import path from "node:path";
import { openZip, type VerifyContext } from "./archive-pass.js";
import { count, inZip } from "./checks.js";
import { readEntries, reportTally } from "./entry-reader.js";
import type { FileDigests } from "./file-digests.js";
import { ATTACHMENTS_CSV, type AttachmentIndex } from "./full-attachments.js";
import { MANIFEST_ENTRY, type VerifiedManifest } from "./manifest-json.js";

/** The file zips of `manifest.parts`, next to the Data Files zip. */
export async function verifyParts(
  ctx: VerifyContext,
  zip: { name: string; file: string },
  manifest: VerifiedManifest,
  attachments: AttachmentIndex | null,
  opts: { partsRequired: boolean; digests: FileDigests },
): Promise<void> {
  const subject = inZip(MANIFEST_ENTRY, zip.name);
  const parts = manifest.parts ?? [];
  if (parts.length === 0) {
    ctx.checks.fail(
      subject,
      "no parts: the Attachments and Internal CVs zips are not listed (docs/EXPORTS.md#the-full-data-export)",
    );
    return;
  }
  for (const part of parts) {
    if (part.file_name !== path.basename(part.file_name) || part.file_name.startsWith(".")) {
      ctx.checks.fail(subject, `parts names "${part.file_name}", which is not a plain file name`);
      continue;
    }
    const file = path.join(path.dirname(zip.file), part.file_name);
    const digest = await opts.digests.get(file);
    if (!digest) {
      if (opts.partsRequired)
        ctx.checks.fail(part.file_name, `absent: ${zip.name} lists it as the ${part.label} part`);
      else
        ctx.checks.note(
          `${part.file_name} (${part.label}) is not next to ${zip.name}: its size, SHA-256 and files were not checked`,
        );
      continue;
    }
    const whole = [
      digest.size !== part.size
        ? `${count(digest.size, "byte")}, manifest.json says ${count(part.size)}`
        : null,
      digest.sha256 !== part.sha256 ? `SHA-256 is ${digest.sha256}, manifest.json says ${part.sha256}` : null,
    ].filter((p) => p !== null);
    for (const p of whole) ctx.checks.fail(part.file_name, p);
    if (whole.length === 0) ctx.checks.pass(part.file_name, "size and SHA-256 as manifest.json says");
    await verifyPartEntries(ctx, file, part, attachments);
  }
  if (attachments)
    for (const label of attachments.unknownLabels(parts.map((p) => p.label)))
      ctx.checks.fail(
        inZip(ATTACHMENTS_CSV, zip.name),
        `rows name a zip "${label}" that manifest.json's parts do not list`,
      );
}

/** One part zip: every entry read (CRC-32), counted, and matched with its `Attachments.csv` row. */
async function verifyPartEntries(
  ctx: VerifyContext,
  file: string,
  part: NonNullable<VerifiedManifest["parts"]>[number],
  attachments: AttachmentIndex | null,
): Promise<void> {
  const zip = await openZip(ctx, file);
  if (!zip) return;
  try {
    let files = 0;
    let matched = 0;
    for (const e of zip.archive.entries.values()) if (!e.isDirectory) files++;
    ctx.checks.expect(
      files === part.entries,
      zip.name,
      `${count(files, "file")}, as manifest.json says`,
      `holds ${count(files, "file")}, manifest.json says ${count(part.entries)}`,
    );
    const tally = await readEntries(ctx, zip, zip.archive.entries.keys(), {
      onEntry: (entry, digest) => {
        if (attachments?.entry(part.label, zip.name, entry.name, digest)) matched++;
      },
      onFailed: (entry, digest) => attachments?.entry(part.label, zip.name, entry.name, digest),
    });
    reportTally(ctx, zip, tally);
    if (attachments) {
      attachments.finishPart(part.label, zip.name);
      ctx.checks.pass(zip.name, `${count(matched, "file")} with the size and SHA-256 of ${ATTACHMENTS_CSV}`);
    }
  } finally {
    await zip.archive.close();
  }
}
