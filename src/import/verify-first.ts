/**
 * Before `hirevault import` writes anything — no account row, no file in storage — the snapshot
 * goes through every check `hirevault verify` runs on it (`src/verify/verify-snapshot.ts`), on
 * the archive the import has opened: each entry read to its end (CRC-32, size), each CSV against
 * `manifest.json` and `datapackage.json` (size, SHA-256, row count, header, CRLF), each file under
 * `files/` against its row, the list of missing files. So an archive `verify` rejects is never
 * imported, and the refusal says why in verify's own words. The import's own checks (values,
 * references, the account name) come on top; its hashing while it reads stays too, since the
 * file could change between the two passes.
 *
 * Cost: every byte is read twice (verify, then import); see docs/EXPORTS.md for the figures.
 */
import { count, type VerifyReport } from "../verify/checks.js";
import { verifyOpenedSnapshot } from "../verify/verify-export.js";
import { ImportError } from "./import-error.js";
import type { SnapshotArchive } from "./snapshot-archive.js";

/** Failed checks quoted in the refusal; `hirevault verify FILE` lists them all. */
const QUOTED = 3;

/** Resolves when `verify` finds the snapshot intact; rejects with an {@link ImportError} otherwise. */
export async function verifyBeforeImport(
  archive: SnapshotArchive,
  file: string,
  onProgress?: (bytesRead: number, bytesTotal: number) => void,
): Promise<void> {
  const report = await verifyOpenedSnapshot(archive.zip, file, onProgress ? { onProgress } : {});
  if (!report.ok) throw new ImportError(refusal(report));
}

/**
 * One line: how many checks failed and the first few, as `verify` prints them (`<subject>:
 * <message>`; subjects and messages hold no line breaks, verify's report escapes them).
 */
export function refusal(report: VerifyReport): string {
  const failed = report.checks.filter((c) => !c.ok);
  const quoted = failed.slice(0, QUOTED).map((c) => `${c.subject}: ${c.message}`);
  const more = report.problems - quoted.length;
  return (
    `${report.file}: not imported, \`hirevault verify\` finds ${count(report.problems, "problem")}: ` +
    quoted.join("; ") +
    (more > 0 ? `; and ${count(more, "more")}` : "")
  );
}
