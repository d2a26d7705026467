/**
 * A real ExportRunner for page tests: the export the page requested is made by the same runner
 * the worker uses, on the test app's database and blobs, with links signed by its key.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import type { Clock } from "../../../src/domain/clock.js";
import { ExportRunner } from "../../../src/jobs/export-runner.js";
import { DownloadLinkService } from "../../../src/services/download-link.service.js";
import type { TestApp } from "../../support/test-app.js";

export interface PageRunner {
  runner: ExportRunner;
  close(): Promise<void>;
}

export async function createPageRunner(t: TestApp, clock: Clock): Promise<PageRunner> {
  const tmpRoot = await fs.mkdtemp(path.join(os.tmpdir(), "hv-web-runner-"));
  const runner = new ExportRunner({
    database: t.database,
    blobs: t.blobs,
    clock,
    logger: pino({ level: "silent" }),
    tmpRoot,
    owner: "web-test",
    links: new DownloadLinkService({ db: t.database.db, secret: t.secret, clock }),
  });
  return { runner, close: () => fs.rm(tmpRoot, { recursive: true, force: true }) };
}
