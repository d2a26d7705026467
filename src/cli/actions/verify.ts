import path from "node:path";
import { ConflictError, ValidationError } from "../../domain/errors.js";
import { count, KIND_LABEL, type VerifyReport } from "../../verify/checks.js";
import { VerifyInputError, verifyExport } from "../../verify/verify-export.js";
import { createProgress } from "../progress.js";

/**
 * `hirevault verify FILE [--json]` (docs/EXPORTS.md#integrity, README.md#command-line;
 * docs/EXPORTS.md#verifying-an-export): re-checks an export — a backup zip, a snapshot zip, a full
 * export's master CSV (or its directory) or Data Files zip. Prints one line per check on stdout
 * (`ok   …`, `FAIL <what>: <why>`, `note …`) and a summary; with `--json`, the report as JSON
 * instead. Progress goes to stderr. Exit 0 only when every check holds, 1 otherwise or when FILE is
 * missing or not an export, 2 for a usage error.
 */
export async function verify(file: string, opts: { json?: boolean; maxEntries: number }): Promise<void> {
  const progress = createProgress(`verifying ${path.basename(file)}`);
  let report: VerifyReport;
  try {
    report = await verifyExport(file, {
      onProgress: (done, total) => progress.update(done, total),
      limits: { maxEntries: opts.maxEntries },
    });
  } catch (err) {
    if (err instanceof VerifyInputError)
      throw new ValidationError([{ field: "FILE", message: err.message }], err.message);
    throw err;
  }
  progress.done(report.ok ? "all checks hold" : `${count(report.problems, "problem")}`);
  process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  // main.ts maps this error to exit 1 after printing its message on stderr.
  if (!report.ok)
    throw new ConflictError(`${file}: ${count(report.problems, "check")} failed: the export is not intact`);
}

/** The report as plain lines: checks in order, notes, then a summary line. */
export function formatReport(r: VerifyReport): string {
  const lines = r.checks.map((c) =>
    c.ok ? `ok   ${c.subject}: ${c.message}` : `FAIL ${c.subject}: ${c.message}`,
  );
  if (r.unlisted > 0) lines.push(`FAIL … and ${count(r.unlisted, "more problem")} not listed`);
  for (const n of r.notes) lines.push(`note ${n}`);
  const what = r.kind ? KIND_LABEL[r.kind] : "archive";
  lines.push(
    r.ok
      ? `${r.file}: ${what} verified, ${count(r.checks.length, "check")} hold`
      : `${r.file}: ${what} NOT intact, ${count(r.problems, "problem")}`,
  );
  return `${lines.join("\n")}\n`;
}
