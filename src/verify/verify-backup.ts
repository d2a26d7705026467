/**
 * `hirevault verify` of a monthly backup (docs/EXPORTS.md#the-monthly-backup): exactly
 * `Candidates.xlsx` and `Resumes/` at the root; every entry read in full (CRC-32, size); the
 * workbook opened and its rows counted (backup-workbook.ts); every non-empty *Resume File* cell
 * names a file under `Resumes/` and every file there is named by a row.
 *
 * The backup has no manifest — docs/EXPORTS.md#the-monthly-backup says its root holds exactly two
 * items — so there is no SHA-256 to compare: the CRC-32 of each entry is the hash checked, and the
 * report says so. A CV that was missing from storage when the backup was made is a *Resume File*
 * cell reading `[missing from storage] <name>` (docs/EXPORTS.md): counted in a note, not a failure.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { RESUMES_DIR } from "../exports/candidates-report/resume-paths.js";
import { BACKUP_SHEET_FILE } from "../exports/formats/backup/index.js";
import type { OpenedZip, VerifyContext } from "./archive-pass.js";
import { checkWorkbook } from "./backup-workbook.js";
import { count, inZip } from "./checks.js";
import { readEntries, reportTally } from "./entry-reader.js";

const MISSING_MARK = "[missing from storage] ";

export async function verifyBackup(ctx: VerifyContext, zip: OpenedZip): Promise<void> {
  const resumes = checkRoot(ctx, zip);
  const tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), "hv-verify-"));
  const xlsxFile = path.join(tmp, BACKUP_SHEET_FILE);
  let extracted = false;
  try {
    const tally = await readEntries(ctx, zip, zip.archive.entries.keys(), {
      // Copied out whole, so the workbook's own zip can be opened (its CRC-32 checked on the way).
      consumer: (entry) =>
        entry.name === BACKUP_SHEET_FILE
          ? (source) => pipeline(Readable.from(source), fs.createWriteStream(xlsxFile, { mode: 0o600 }))
          : undefined,
      onEntry: (entry) => {
        if (entry.name === BACKUP_SHEET_FILE) extracted = true;
      },
    });
    reportTally(ctx, zip, tally);
    ctx.checks.note(
      `a backup has no manifest (docs/EXPORTS.md#the-monthly-backup: exactly two items at its root), so the CRC-32 of each entry is the hash checked`,
    );
    if (!extracted) return; // absent or damaged: already a FAIL
    const named = new Set<string>();
    let missing = 0;
    const label = `${BACKUP_SHEET_FILE} in ${zip.name}`;
    const rows = await checkWorkbook(ctx, xlsxFile, label, (cell, where) => {
      if (cell.startsWith(MISSING_MARK)) {
        missing++;
        return;
      }
      if (!resumes.has(cell))
        ctx.checks.fail(
          label,
          `${where}: Resume File "${cell}" is not a file under ${RESUMES_DIR}/ in the zip`,
        );
      else if (named.has(cell))
        ctx.checks.fail(label, `${where}: Resume File "${cell}" is named by an earlier row too`);
      else named.add(cell);
    });
    if (rows === null) return;
    for (const name of resumes)
      if (!named.has(name))
        ctx.checks.fail(inZip(name, zip.name), `no row of ${BACKUP_SHEET_FILE} names it in Resume File`);
    if (named.size === resumes.size)
      ctx.checks.pass(
        zip.name,
        `${count(resumes.size, "CV")} under ${RESUMES_DIR}/, each named by one row's Resume File, every named file present`,
      );
    if (missing > 0)
      ctx.checks.note(
        `${count(missing, "CV")} ${missing === 1 ? "was" : "were"} missing from storage when the backup was made (Resume File says so)`,
      );
  } finally {
    await fs.promises.rm(tmp, { recursive: true, force: true });
  }
}

/** Exactly `Candidates.xlsx` and `Resumes/…` at the root; returns the files under `Resumes/`. */
function checkRoot(ctx: VerifyContext, zip: OpenedZip): Set<string> {
  const resumes = new Set<string>();
  let folder = false;
  let extra = 0;
  for (const [name, entry] of zip.archive.entries) {
    if (name === BACKUP_SHEET_FILE) continue;
    if (name.startsWith(`${RESUMES_DIR}/`)) {
      folder = true;
      if (!entry.isDirectory) resumes.add(name);
      continue;
    }
    extra++;
    ctx.checks.fail(
      inZip(name, zip.name),
      `extra: a backup holds exactly ${BACKUP_SHEET_FILE} and ${RESUMES_DIR}/ (docs/EXPORTS.md#the-monthly-backup)`,
    );
  }
  const sheet = zip.archive.entries.has(BACKUP_SHEET_FILE);
  if (!sheet)
    ctx.checks.fail(inZip(BACKUP_SHEET_FILE, zip.name), "absent (docs/EXPORTS.md#the-monthly-backup)");
  if (!folder)
    ctx.checks.fail(inZip(`${RESUMES_DIR}/`, zip.name), "absent (docs/EXPORTS.md#the-monthly-backup)");
  if (sheet && folder && extra === 0)
    ctx.checks.pass(zip.name, `exactly ${BACKUP_SHEET_FILE} and ${RESUMES_DIR}/ at its root`);
  return resumes;
}
