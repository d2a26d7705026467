import type { ExportRun } from "../repositories/export-run.repository.js";

/** Where the files of a run live; every attempt writes below its own number. */
export function runPrefix(run: Pick<ExportRun, "account_id" | "id">): string {
  return `accounts/${run.account_id}/exports/${run.id}/`;
}

/** Where one attempt of a run writes its files: `accounts/<a>/exports/<run>/<attempt>/`. */
export function attemptPrefix(run: Pick<ExportRun, "account_id" | "id">, attempt: number): string {
  return `${runPrefix(run)}${attempt}/`;
}

const ATTEMPT_KEY = /^accounts\/([^/]+)\/exports\/([^/]+)\/(\d+)\/./;

/**
 * The run and attempt a stored export file belongs to, read back from its key (the inverse of
 * {@link attemptPrefix}); null for a key of any other shape.
 */
export function attemptOfKey(key: string): { accountId: string; runId: string; attempt: number } | null {
  const m = ATTEMPT_KEY.exec(key);
  return m ? { accountId: m[1]!, runId: m[2]!, attempt: Number(m[3]) } : null;
}
