/**
 * `hirevault verify` of a full data export from its master CSV
 * (docs/EXPORTS.md#the-full-data-export): the CSV itself (human-facing: BOM, CRLF, the seven
 * columns), then each part it lists — present in the same directory with the size and SHA-256 the
 * CSV says — then the Data Files zip and, through its manifest, the two file zips (verify-full.ts).
 * Every link of the chain master CSV → zip → manifest → CSV → file is checked. Links and their
 * expiry are not (see the note).
 */
import fs from "node:fs";
import path from "node:path";
import { displayName } from "../archive/archive-error.js";
import { unescapeFormula } from "../exports/csv/csv-dialect.js";
import { DATA_FILES_LABEL } from "../exports/formats/full/index.js";
import { MASTER_HEADER } from "../exports/formats/full/master-csv.js";
import { archiveProblem, openZip, type VerifyContext } from "./archive-pass.js";
import { count } from "./checks.js";
import { type CsvSummary, csvConsumer } from "./csv-check.js";
import type { FileDigests } from "./file-digests.js";
import { verifyDataFiles } from "./verify-full.js";

interface MasterRow {
  label: string;
  fileName: string;
  size: string;
  sha256: string;
}

/** Verifies the master CSV `file` and the parts next to it. */
export async function verifyMaster(ctx: VerifyContext, file: string, digests: FileDigests): Promise<void> {
  const name = displayName(path.basename(file));
  const dir = path.dirname(file);
  const rows: MasterRow[] = [];
  let summary: CsvSummary | undefined;
  const consume = csvConsumer(
    {
      bom: true,
      header: MASTER_HEADER,
      onRecord: (f) => {
        const [label, , fileName, size, sha256] = f.map(unescapeFormula);
        rows.push({ label: label ?? "", fileName: fileName ?? "", size: size ?? "", sha256: sha256 ?? "" });
      },
    },
    (s) => {
      summary = s;
    },
  );
  try {
    await consume(fs.createReadStream(file) as AsyncIterable<Buffer>);
  } catch (err) {
    ctx.checks.fail(name, archiveProblem(err));
    return;
  }
  for (const p of summary?.problems ?? []) ctx.checks.fail(name, p);
  if (summary?.problems.length === 0) ctx.checks.pass(name, `master CSV with ${count(rows.length, "part")}`);
  ctx.checks.note(
    "the master CSV's Link and Link Expires At are not checked: links are signed by the server that made " +
      "the export and expire after 7 days (docs/EXPORTS.md#the-full-data-export, docs/EXPORTS.md#links-and-downloads); verify checks the files themselves",
  );

  for (const row of rows) {
    const subject = displayName(row.fileName);
    if (row.fileName !== path.basename(row.fileName) || row.fileName.startsWith(".")) {
      ctx.checks.fail(name, `part "${row.label}" names "${row.fileName}", which is not a plain file name`);
      continue;
    }
    const digest = await digests.get(path.join(dir, row.fileName));
    if (!digest) {
      ctx.checks.fail(subject, `absent: the master CSV lists it (${row.label}) but it is not in ${dir}`);
      continue;
    }
    const problems = [
      row.size !== String(digest.size)
        ? `${count(digest.size, "byte")}, the master CSV says ${row.size}`
        : null,
      row.sha256 !== digest.sha256 ? `SHA-256 is ${digest.sha256}, the master CSV says ${row.sha256}` : null,
    ].filter((p) => p !== null);
    for (const p of problems) ctx.checks.fail(subject, p);
    if (problems.length === 0) ctx.checks.pass(subject, "size and SHA-256 as the master CSV says");
  }

  const data = rows.find((r) => r.label === DATA_FILES_LABEL);
  if (!data) {
    ctx.checks.fail(name, `no "${DATA_FILES_LABEL}" row: the Data Files zip is not listed`);
    return;
  }
  const dataFile = path.join(dir, data.fileName);
  if (data.fileName !== path.basename(data.fileName) || !fs.existsSync(dataFile)) return; // reported above
  const zip = await openZip(ctx, dataFile);
  if (!zip) return;
  try {
    const manifest = await verifyDataFiles(ctx, zip, { partsRequired: true, digests });
    if (!manifest) return;
    const listed = new Set(rows.map((r) => r.fileName));
    for (const part of manifest.parts ?? [])
      if (!listed.has(part.file_name))
        ctx.checks.fail(name, `does not list ${part.file_name}, the ${part.label} part of ${zip.name}`);
  } finally {
    await zip.archive.close();
  }
}
