/**
 * A real ExportRunner for tests that request exports through the app: the export is made by the
 * same runner the worker uses, on the test app's database and blobs, with links signed by the
 * app's key (relative, or absolute under `publicUrl` for tests that fetch them over a port).
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import type { Clock } from "../../src/domain/clock.js";
import { ExportRunner } from "../../src/jobs/export-runner.js";
import { DownloadLinkService } from "../../src/services/download-link.service.js";
import type { TestApp } from "./test-app.js";

export interface TestRunner {
  runner: ExportRunner;
  /** Deletes the runner's temp directory. */
  close(): Promise<void>;
}

export async function createTestRunner(
  t: TestApp,
  clock: Clock,
  opts: { owner?: string; publicUrl?: string } = {},
): Promise<TestRunner> {
  const tmpRoot = await fs.mkdtemp(path.join(os.tmpdir(), "hv-runner-"));
  const runner = new ExportRunner({
    database: t.database,
    blobs: t.blobs,
    clock,
    logger: pino({ level: "silent" }),
    tmpRoot,
    owner: opts.owner ?? "test-worker",
    links: new DownloadLinkService({ db: t.database.db, secret: t.secret, clock, publicUrl: opts.publicUrl }),
  });
  return { runner, close: () => fs.rm(tmpRoot, { recursive: true, force: true }) };
}
