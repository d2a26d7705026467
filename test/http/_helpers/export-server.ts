/**
 * An app listening on a loopback port with a seeded account and a real ExportRunner whose links
 * point at it: the setup of the end-to-end export suites (full export, snapshot), which request
 * through the API, run the job, and download through the signed links over real HTTP.
 */
import fs from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import type { DialectName } from "../../../src/db/dialect.js";
import type { FixedClock } from "../../../src/domain/clock.js";
import { ExportRunner } from "../../../src/jobs/export-runner.js";
import { seedAccount } from "../../../src/seed/seed-account.js";
import { DownloadLinkService } from "../../../src/services/download-link.service.js";
import { type Client, createTestApp, type TestApp } from "../../support/test-app.js";

export interface ExportServer {
  t: TestApp;
  /** `http://127.0.0.1:<port>` */
  base: string;
  runner: ExportRunner;
  /** An empty directory for downloaded files. */
  dir: string;
  accountId: string;
  /** A client with a new API token of the account's first active user with `role`. */
  clientAs(role: "owner" | "admin"): Promise<{ client: Client; userId: string }>;
  close(): Promise<void>;
}

export async function startExportServer(
  dialect: DialectName,
  clock: FixedClock,
  opts: { name: string; candidates: number },
): Promise<ExportServer> {
  const t = await createTestApp(dialect, { clock });
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const tmpRoot = await fs.mkdtemp(path.join(os.tmpdir(), `hv-${opts.name}-tmp-`));
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `hv-${opts.name}-dl-`));
  const runner = new ExportRunner({
    database: t.database,
    blobs: t.blobs,
    clock,
    logger: pino({ level: "silent" }),
    tmpRoot,
    owner: "test-worker",
    links: new DownloadLinkService({ db: t.database.db, secret: t.secret, clock, publicUrl: base }),
  });
  const { accountId } = await seedAccount({
    db: t.database.db,
    blobs: t.blobs,
    accountName: `${opts.name}-${dialect}`,
    candidates: opts.candidates,
  });
  return {
    t,
    base,
    runner,
    dir,
    accountId,
    async clientAs(role) {
      const user = await t.database.db
        .selectFrom("users")
        .select("id")
        .where("account_id", "=", accountId)
        .where("role", "=", role)
        .where("status", "=", "active")
        .orderBy("id")
        .executeTakeFirstOrThrow();
      const { token } = await t.tokens.create(accountId, { name: role, role, userId: user.id });
      return { client: t.anonymous(`Bearer ${token}`), userId: user.id };
    },
    async close() {
      await t.close();
      for (const d of [tmpRoot, dir]) await fs.rm(d, { recursive: true, force: true });
    },
  };
}
