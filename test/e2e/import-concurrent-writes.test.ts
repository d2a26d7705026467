/**
 * SQLite has one writer at a time, across processes. `hirevault import` of a big snapshot, in a
 * process of its own, commits a batch per short transaction, so the API next to it keeps writing:
 * every write answers 201, none waits for long. (When the import was one transaction, the API's
 * writes waited for the whole of it, and those that waited past the 10 s busy timeout were 500s.)
 * SQLite only: PostgreSQL writers never wait for another transaction's inserts.
 */
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { createDatabase, type Database } from "../../src/db/create-db.js";
import { type App, buildApp } from "../../src/http/app.js";
import { AccountRepository } from "../../src/repositories/account.repository.js";
import { ApiTokenService } from "../../src/services/api-token.service.js";
import { LocalBlobStore } from "../../src/storage/local-blob-store.js";
import { type CliSetup, cliSetup, runCli, spawnCli } from "../support/cli.js";

/** Candidates of the snapshot: an import of several seconds on this machine. */
const CANDIDATES = 4000;
/** Slowest API write accepted while the import runs (the busy timeout is 10 s). */
const MAX_WRITE_MS = 2000;

describe("API writes during a big import on SQLite", () => {
  let setup: CliSetup;
  let database: Database;
  let app: App;
  let token: string;
  let snapshot: string;

  beforeAll(async () => {
    setup = await cliSetup("sqlite", "hv-import-writes-");
    const seeded = await runCli(
      ["seed", "--account", "source", "--candidates", String(CANDIDATES)],
      setup.env,
      { timeoutMs: 300_000 },
    );
    expect(seeded.code, seeded.stderr).toBe(0);
    snapshot = path.join(setup.dataDir, "source.zip");
    const exported = await runCli(
      ["export", "snapshot", "--account", "source", "--out", snapshot],
      setup.env,
      {
        timeoutMs: 300_000,
      },
    );
    expect(exported.code, exported.stderr).toBe(0);
    // The API: its own connection to the same file, the default busy timeout, as `hirevault start`.
    database = createDatabase({ sqlitePath: path.join(setup.dataDir, "hirevault.sqlite") });
    const account = await new AccountRepository(database.db).create({ name: "api" });
    ({ token } = await new ApiTokenService(database.db).create(account.id, {
      name: "writer",
      role: "admin",
    }));
    app = await buildApp({
      db: database.db,
      dialect: "sqlite",
      blobs: new LocalBlobStore(path.join(setup.dataDir, "blobs")),
      config: { ...loadConfig({}), logLevel: "silent", rateLimitMax: 1_000_000 },
    });
  }, 600_000);

  afterAll(async () => {
    await app?.close();
    await database?.close();
    await setup?.remove();
  });

  it("keeps answering 201 within seconds while the import runs in another process", async () => {
    const write = (name: string) =>
      app.inject({
        method: "POST",
        url: "/api/v1/tags",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        payload: JSON.stringify({ name }),
      });
    // The first request compiles the route's schemas: not what is measured here.
    expect((await write("before the import")).statusCode).toBe(201);
    const importer = spawnCli(["import", snapshot, "--account", "copy"], setup.env);
    let running = true;
    void importer.exited.then(() => {
      running = false;
    });
    const answers: { status: number; ms: number }[] = [];
    for (let i = 0; running; i++) {
      const started = performance.now();
      const res = await write(`written during the import ${i}`);
      answers.push({ status: res.statusCode, ms: performance.now() - started });
      await sleep(20);
    }
    expect(await importer.exited, importer.output().stderr).toBe(0);
    const slowest = Math.max(...answers.map((a) => a.ms));
    const statuses = [...new Set(answers.map((a) => a.status))];
    const summary = `${answers.length} writes, statuses ${statuses.join(",")}, slowest ${slowest.toFixed(0)} ms`;
    console.log(`API writes during the import of ${CANDIDATES} candidates: ${summary}`);
    expect(answers.length, summary).toBeGreaterThan(20);
    expect(statuses, summary).toEqual([201]);
    expect(slowest, summary).toBeLessThan(MAX_WRITE_MS);
    // Every write is there, next to the imported account.
    const tags = await database.db
      .selectFrom("tags")
      .select("id")
      .where("name", "like", "written during%")
      .execute();
    expect(tags).toHaveLength(answers.length);
    const copy = await new AccountRepository(database.db).findByName("copy");
    expect(copy?.status).toBe("active");
  }, 600_000);
});
