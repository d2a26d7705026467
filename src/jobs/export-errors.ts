/**
 * Errors that decide what happens to a run after a failed attempt. Anything else is treated as
 * transient (storage or network hiccup, disk full, a killed connection) and retried with backoff
 * until the run's attempts are used up (docs/EXPORTS.md#export-runs); a permanent error fails it at
 * once.
 */
export class PermanentExportError extends Error {
  override name = "PermanentExportError";
}

/** The worker lost the run's lease (it stalled; another worker may own the run now). */
export class LeaseLostError extends Error {
  override name = "LeaseLostError";
  constructor() {
    super("the lease on this export was lost");
  }
}

/** The worker is shutting down: the run is handed back untouched. */
export class ShutdownError extends Error {
  override name = "ShutdownError";
  constructor() {
    super("the worker is shutting down");
  }
}

const RETRY_BASE_MS = 30_000;
const RETRY_CAP_MS = 30 * 60_000;

/** Exponential backoff with jitter (graphile-worker, pg-boss): 30 s, 60 s, 120 s… ≤ 30 min, ±20 %. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** The error text stored on the run and shown to admins: one line, no stack, bounded length. */
export function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string } | null;
  const text = `${e?.name ?? "Error"}: ${e?.message ?? String(err)}`.replace(/\s+/g, " ");
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}
