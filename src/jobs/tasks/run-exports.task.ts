import type { ExportRunner } from "../export-runner.js";
import type { PeriodicTask } from "../periodic-task.js";

/**
 * Claims and runs export runs one after another while there are any; polls every second when
 * idle. Several worker processes run this task against one database and share the runs (leases,
 * `SKIP LOCKED` / `BEGIN IMMEDIATE`). On stop, the run in progress is handed back
 * (docs/EXPORTS.md#export-runs).
 */
export class RunExportsTask implements PeriodicTask {
  readonly name = "run-exports";
  readonly intervalMs = 1_000;

  constructor(private readonly runner: ExportRunner) {}

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && (await this.runner.runNext(signal))) {
      // next run
    }
  }
}
