import fs from "node:fs/promises";
import path from "node:path";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema/index.js";
import type { Logger } from "../../logger.js";
import { ExportRunRepository } from "../../repositories/export-run.repository.js";
import type { PeriodicTask } from "../periodic-task.js";

const DIR_NAME = /^([0-9a-f-]{36})-(\d+)$/;

/**
 * Removes temp directories (`<data dir>/tmp/exports/<run>-<attempt>`) that no live attempt owns:
 * a worker killed mid-export leaves its directory behind, and the worker that takes the run over
 * may be on another machine. A directory is kept while its run is `running` at that very attempt.
 */
export class CleanExportTempTask implements PeriodicTask {
  readonly name = "clean-export-temp";
  readonly intervalMs = 10 * 60_000;

  private readonly runs: ExportRunRepository;

  constructor(
    db: Kysely<DB>,
    private readonly tmpRoot: string,
    private readonly logger: Logger,
  ) {
    this.runs = new ExportRunRepository(db);
  }

  async run(): Promise<void> {
    const names = await fs.readdir(this.tmpRoot).catch(() => [] as string[]);
    for (const name of names) {
      const m = DIR_NAME.exec(name);
      if (!m) continue;
      const live = await this.runs.isRunningAttempt(m[1]!, Number(m[2]));
      if (live) continue;
      await fs.rm(path.join(this.tmpRoot, name), { recursive: true, force: true });
      this.logger.info({ dir: name }, "removed an abandoned export temp directory");
    }
  }
}
