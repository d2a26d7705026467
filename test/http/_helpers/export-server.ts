/**
 * An app listening on a loopback port with a seeded account and a real ExportRunner whose links
 * point at it: the setup of the end-to-end export suites (full export, snapshot), which request
 * through the API, run the job, and download through the signed links over real HTTP.
 */
import fs from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { DialectName } from "../../../src/db/dialect.js";
import type { FixedClock } from "../../../src/domain/clock.js";
import type { ExportRunner } from "../../../src/jobs/export-runner.js";
import { seedAccount } from "../../../src/seed/seed-account.js";
import { type Client, createTestApp, type TestApp } from "../../support/test-app.js";
import { createTestRunner } from "../../support/test-runner.js";

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
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `hv-${opts.name}-dl-`));
  const { runner, close: closeRunner } = await createTestRunner(t, clock, { publicUrl: base });
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
      await closeRunner();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
