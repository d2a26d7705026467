/**
 * One file of a zip against what `manifest.json` says about it (docs/EXPORTS.md#integrity): its
 * size and SHA-256 (`files`), and for a CSV its row count (`tables`) and what the CSV check found.
 * One line when all hold; one FAIL per difference otherwise, each saying what was expected and what
 * was found.
 */
import type { Digest, OpenedZip, VerifyContext } from "./archive-pass.js";
import { count, inZip } from "./checks.js";
import type { CsvSummary } from "./csv-check.js";

/** What the manifest lists for a file, and what reading the file found. */
export interface ListedFile {
  path: string;
  /** The entry's digest; undefined when it is absent or could not be read (reported already). */
  digest: Digest | undefined;
  /** `files[]` of the manifest for this path. */
  listed: { size: number; sha256: string } | undefined;
  /** For a CSV: the parse summary (undefined when it could not be read) and `tables[]` entry. */
  csv?: { summary: CsvSummary | undefined; table: { rows: number } | undefined };
}

/** Reports the checks of one listed file. */
export function checkListedFile(ctx: VerifyContext, zip: OpenedZip, f: ListedFile): void {
  const subject = inZip(f.path, zip.name);
  if (!f.digest) return; // missing or damaged: already a FAIL
  const problems: string[] = [];
  if (!f.listed) problems.push("not listed in manifest.json's files (no size or SHA-256 to check)");
  else {
    if (f.listed.size !== f.digest.size)
      problems.push(
        `manifest.json says ${count(f.listed.size, "byte")}, the file has ${count(f.digest.size)}`,
      );
    if (f.listed.sha256 !== f.digest.sha256)
      problems.push(`SHA-256 is ${f.digest.sha256}, manifest.json says ${f.listed.sha256}`);
  }
  let rows = "";
  if (f.csv?.summary) {
    const found = f.csv.summary.rows;
    problems.push(...f.csv.summary.problems);
    if (!f.csv.table)
      problems.push(
        `not listed in manifest.json's tables (no row count to check; it has ${count(found, "row")})`,
      );
    else if (f.csv.table.rows !== found)
      problems.push(`manifest.json says ${count(f.csv.table.rows, "row")}, the file has ${count(found)}`);
    rows = `${count(found, "row")} as manifest.json says; `;
  }
  if (problems.length === 0) {
    ctx.checks.pass(
      subject,
      `${rows}size (${count(f.digest.size, "byte")}) and SHA-256 as manifest.json says`,
    );
    return;
  }
  for (const p of problems) ctx.checks.fail(subject, p);
}
