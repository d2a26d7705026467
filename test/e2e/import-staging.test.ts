/**
 * `hirevault import` in a process of its own, paused mid-import (SIGSTOP) between two of its
 * batches: the rows it has committed so far belong to an `importing` account that nothing reaches —
 * not its own users' tokens or sessions, not sign-in, not the CLI — and whose name is taken. Once
 * it is active, the same credentials work. An import paused past its lease, whose account a worker
 * removed meanwhile, stops at its next batch and leaves nothing behind. SQLite and PostgreSQL.
 */
import crypto from "node:crypto";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import SQLite from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { createDatabase, type Database } from "../../src/db/create-db.js";
import { TABLE_NAMES } from "../../src/db/schema/index.js";
import { FixedClock } from "../../src/domain/clock.js";
import { uuidv7 } from "../../src/domain/ids.js";
import { type App, buildApp } from "../../src/http/app.js";
import { RemoveAbandonedImportsTask } from "../../src/jobs/tasks/remove-abandoned-imports.task.js";
import { ACCOUNT_LEASE_MS } from "../../src/services/account-removal.service.js";
import { hashToken } from "../../src/services/api-token.service.js";
import { hashPassword } from "../../src/services/password-hash.js";
import { LocalBlobStore } from "../../src/storage/local-blob-store.js";
import { allKeys, silent } from "../jobs/helpers.js";
import { type CliSetup, cliSetup, runCli, spawnCli } from "../support/cli.js";
import { DIALECTS } from "../support/dialects.js";
import type { TestApp } from "../support/test-app.js";
import { postSignIn } from "../web/_helpers/web-client.js";

type Proc = ReturnType<typeof spawnCli>;
const PASSWORD = "a long enough password for this test";

describe.each(DIALECTS)("an import under way (%s)", (dialect) => {
  let setup: CliSetup;
  let database: Database;
  let blobs: LocalBlobStore;
  let app: App;
  let snapshot: string;
  const procs: Proc[] = [];

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 120_000) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const v = await probe();
      if (v) return v;
      await sleep(10);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** Whether another connection holds a write lock the account's writers need (SQLite) or its row. */
  async function lockHeld(accountId: string): Promise<boolean> {
    if (dialect === "sqlite") {
      const probe = new SQLite(path.join(setup.dataDir, "hirevault.sqlite"), { timeout: 0 });
      try {
        probe.exec("begin immediate");
        probe.exec("rollback");
        return false;
      } catch {
        return true;
      } finally {
        probe.close();
      }
    }
    const probe = new pg.Client({ connectionString: setup.database.url });
    await probe.connect();
    try {
      await probe.query("begin");
      await probe.query("select id from accounts where id = $1 for update nowait", [accountId]);
      return false;
    } catch {
      return true;
    } finally {
      await probe.query("rollback").catch(() => undefined);
      await probe.end();
    }
  }

  /**
   * Starts `hirevault import` into `name`, waits until its account holds rows of `table` (users
   * and persons come early, attachments and their files late), and freezes it between two batches
   * (no transaction open). Returns the process and the account id.
   */
  async function pausedImport(
    name: string,
    table: "persons" | "attachments",
  ): Promise<{ importer: Proc; accountId: string }> {
    const importer = spawnCli(["import", snapshot, "--account", name], setup.env);
    procs.push(importer);
    const accountId = await waitFor("rows of the import to commit", async () => {
      const account = await database.db
        .selectFrom("accounts")
        .select(["id", "status"])
        .where("name", "=", name)
        .executeTakeFirst();
      if (account?.status !== "importing") return undefined;
      const rows = await database.db
        .selectFrom(table)
        .select("id")
        .where("account_id", "=", account.id)
        .limit(1)
        .execute();
      return rows.length ? account.id : undefined;
    });
    const pid = importer.child.pid!;
    for (let i = 0; ; i++) {
      process.kill(pid, "SIGSTOP");
      await sleep(20);
      if (!(await lockHeld(accountId))) break;
      if (i > 500) throw new Error("the import never paused between batches");
      process.kill(pid, "SIGCONT");
      await sleep(3);
    }
    const { status } = await database.db
      .selectFrom("accounts")
      .select("status")
      .where("id", "=", accountId)
      .executeTakeFirstOrThrow();
    expect(status).toBe("importing");
    return { importer, accountId };
  }

  async function rowsOf(accountId: string): Promise<number> {
    let n = 0;
    for (const table of TABLE_NAMES) {
      const column = table === "accounts" ? "id" : "account_id";
      const row = await database.db
        // biome-ignore lint/suspicious/noExplicitAny: every table
        .selectFrom(table as any)
        .select((e) => e.fn.countAll().as("n"))
        .where(column, "=", accountId)
        .executeTakeFirstOrThrow();
      n += Number(row.n);
    }
    return n;
  }

  beforeAll(async () => {
    setup = await cliSetup(dialect, "hv-import-staging-");
    const seeded = await runCli(["seed", "--account", "source", "--candidates", "800"], setup.env);
    expect(seeded.code, seeded.stderr).toBe(0);
    snapshot = path.join(setup.dataDir, "source.zip");
    const exported = await runCli(
      ["export", "snapshot", "--account", "source", "--out", snapshot],
      setup.env,
    );
    expect(exported.code, exported.stderr).toBe(0);
    database = createDatabase({
      databaseUrl: setup.database.url,
      sqlitePath: path.join(setup.dataDir, "hirevault.sqlite"),
    });
    blobs = new LocalBlobStore(path.join(setup.dataDir, "blobs"));
    app = await buildApp({
      db: database.db,
      dialect: database.dialect,
      blobs,
      config: { ...loadConfig({}), logLevel: "silent", rateLimitMax: 100_000 },
    });
  }, 240_000);

  afterAll(async () => {
    for (const p of procs) {
      if (p.child.exitCode === null && !p.child.signalCode) {
        p.child.kill("SIGKILL");
        p.child.kill("SIGCONT");
      }
    }
    await Promise.all(procs.map((p) => p.exited));
    await app?.close();
    await database?.close();
    await setup?.remove();
  });

  it("is invisible to its own users' tokens and sessions, to sign-in and to the CLI until it is active", async () => {
    const { importer, accountId } = await pausedImport("restored", "persons");
    // Credentials of one of its imported users, as if someone had made them meanwhile.
    const user = await database.db
      .selectFrom("users")
      .select(["id", "email"])
      .where("account_id", "=", accountId)
      .where("status", "=", "active")
      .where("role", "in", ["owner", "admin"])
      .executeTakeFirstOrThrow();
    const token = `hv_${crypto.randomBytes(32).toString("base64url")}`;
    const cookie = `hvs_${crypto.randomBytes(32).toString("base64url")}`;
    const now = new Date().toISOString();
    const later = new Date(Date.now() + 3600_000).toISOString();
    await database.db
      .insertInto("api_tokens")
      .values({
        id: uuidv7(),
        account_id: accountId,
        user_id: user.id,
        name: "made meanwhile",
        role: "admin",
        token_prefix: token.slice(0, 10),
        token_hash: hashToken(token),
        last_used_at: null,
        expires_at: null,
        revoked_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await database.db
      .insertInto("web_sessions")
      .values({
        id: uuidv7(),
        account_id: accountId,
        user_id: user.id,
        token_hash: hashToken(cookie),
        csrf_token: "csrf",
        ip: null,
        user_agent: null,
        last_seen_at: now,
        expires_at: later,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await database.db
      .updateTable("users")
      .set({ password_hash: await hashPassword(PASSWORD) })
      .where("id", "=", user.id)
      .execute();
    const apiRead = () =>
      app.inject({ method: "GET", url: "/api/v1/persons", headers: { authorization: `Bearer ${token}` } });
    const page = () =>
      app.inject({
        method: "GET",
        url: "/",
        headers: { cookie: `hv_session=${cookie}`, accept: "text/html" },
      });
    const signInAs = () =>
      postSignIn({ inject: (o) => app.inject(o) } as TestApp, {
        account: "restored",
        email: user.email,
        password: PASSWORD,
      });

    expect((await apiRead()).statusCode).toBe(401);
    const refusedPage = await page();
    expect(refusedPage.statusCode).toBe(303);
    expect(refusedPage.headers.location).toMatch(/^\/login/);
    expect((await signInAs()).statusCode).toBe(401);
    const cliToken = await runCli(["token", "create", "--account", "restored", "--role", "admin"], setup.env);
    expect(cliToken.code).toBe(1);
    expect(cliToken.stderr).toMatch(/^hirevault: .*restored.*\n$/);
    const second = await runCli(["import", snapshot, "--account", "restored"], setup.env);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe('hirevault: an account named "restored" is being imported right now\n');

    process.kill(importer.child.pid!, "SIGCONT");
    expect(await importer.exited, importer.output().stderr).toBe(0);
    expect(importer.output().stdout).toBe(`${accountId} restored\n`);
    // Active now: the very same credentials open it.
    expect((await apiRead()).statusCode).toBe(200);
    const opened = await page();
    expect(opened.statusCode).toBe(303);
    expect(opened.headers.location).toMatch(/^\/settings\//);
    expect((await signInAs()).statusCode).toBe(303);
    expect((await runCli(["user", "list", "--account", "restored"], setup.env)).code).toBe(0);
  }, 240_000);

  it("stops at its next batch, leaving nothing, when a worker removed it while it was paused", async () => {
    const { importer, accountId } = await pausedImport("taken over", "attachments");
    expect(await rowsOf(accountId)).toBeGreaterThan(100);
    expect((await allKeys(blobs)).some((k) => k.startsWith(`accounts/${accountId}/`))).toBe(true);
    const pastLease = new FixedClock(new Date(Date.now() + ACCOUNT_LEASE_MS + 60_000));
    const task = new RemoveAbandonedImportsTask(database.db, blobs, pastLease, silent);
    expect(await task.removeAbandoned()).toMatchObject({ claimed: 1, removed: 1 });

    process.kill(importer.child.pid!, "SIGCONT");
    expect(await importer.exited).toBe(1);
    // One line says why (after the progress lines), and no stack trace.
    const { stderr } = importer.output();
    expect(stderr.trimEnd().split("\n").at(-1)).toMatch(
      /^hirevault: the account "taken over" is no longer being imported .*; nothing was imported$/,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(await rowsOf(accountId)).toBe(0);
    expect((await allKeys(blobs)).filter((k) => k.startsWith(`accounts/${accountId}/`))).toEqual([]);
  }, 240_000);
});
