import { importSnapshot } from "../../import/import-snapshot.js";
import { withRuntime } from "../context.js";
import { createProgress } from "../progress.js";

/**
 * `hirevault import FILE --account NAME` (docs/EXPORTS.md#integrity, README.md#command-line):
 * restores a snapshot into a new account named NAME. Progress goes to stderr; stdout gets one line
 * with the new account's id and name. The snapshot first goes through every check of `hirevault
 * verify`, before anything is written. Exit 1 with the reason when the archive is unsafe, damaged,
 * not a snapshot or fails one of verify's checks, when its rows do not hold together (an id twice,
 * a reference to no row of the snapshot, a unique key twice: file, line and column), or the account
 * exists — in every such case nothing was imported.
 */
export async function importFile(
  file: string,
  opts: { account: string; erasures?: string; maxEntries: number },
): Promise<void> {
  await withRuntime(async (rt) => {
    // Two passes: verify's checks (bytes read), then the import itself (rows inserted).
    const verifying = createProgress(`verifying ${file}`);
    let importing: ReturnType<typeof createProgress> | undefined;
    const progress = () => {
      if (!importing) {
        verifying.done();
        importing = createProgress(`import of ${file}`);
      }
      return importing;
    };
    const summary = await importSnapshot({
      db: rt.database.db,
      blobs: rt.blobs,
      file,
      accountName: opts.account,
      ...(opts.erasures ? { erasuresFile: opts.erasures } : {}),
      limits: { maxEntries: opts.maxEntries },
      onVerifyProgress: (done, total) => verifying.update(done, total),
      onProgress: (p) => progress().update(p.done, p.total),
    });
    const rows = Object.values(summary.rows).reduce((a, b) => a + (b ?? 0), 0);
    progress().done(
      `${rows.toLocaleString("en")} rows, ${summary.files.toLocaleString("en")} files` +
        ` (${summary.bytes.toLocaleString("en")} bytes) from ${summary.sourceAccount.name} as of ${summary.snapshotAt}` +
        (summary.erased ? `; ${summary.erased} rows erased again by the erasure ledger` : ""),
    );
    process.stdout.write(`${summary.accountId} ${summary.accountName}\n`);
  });
}
