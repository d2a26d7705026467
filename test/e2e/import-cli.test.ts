import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { createTestDatabase, type TestDatabase } from "../support/dialects.js";

// real: the compiled CLI as child processes, a SQLite file, a local blob dir. The README's
// walkthrough: snapshot → verify → import → snapshot, with the exit codes of
// README.md#command-line.
describe("hirevault export snapshot | verify | import", () => {
  let database: TestDatabase;
  let dataDir: string;
  let env: Record<string, string | undefined>;
  let snapshot: string;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    await database.close();
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hv-import-cli-"));
    env = { HIREVAULT_DATA_DIR: dataDir, DATABASE_URL: database.url, PORT: "0", HIREVAULT_DEMO: "false" };
    expect(
      (await runCli(["seed", "--account", "acme", "--candidates", "10", "--seed", "i1"], env)).code,
    ).toBe(0);
    snapshot = path.join(dataDir, "acme.zip");
    const res = await runCli(["export", "snapshot", "--account", "acme", "--out", snapshot], env);
    expect(res.code, res.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await database.drop().catch(() => undefined);
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("verifies the snapshot, imports it into a new account and prints its id and name", async () => {
    const verified = await runCli(["verify", snapshot], env);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(/snapshot verified, \d+ checks hold/);
    const res = await runCli(["import", snapshot, "--account", "acme copy"], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^[0-9a-f-]{36} acme copy\n$/);
    expect(res.stderr).toMatch(/import of .*acme\.zip: done in [\d.]+ s — [\d,]+ rows, [\d,]+ files/);
    const again = await runCli(
      ["export", "snapshot", "--account", "acme copy", "--out", path.join(dataDir, "copy.zip")],
      env,
    );
    expect(again.code, again.stderr).toBe(0);
    expect((await runCli(["verify", path.join(dataDir, "copy.zip")], env)).code).toBe(0);
  });

  it("exits 1 with the reason, and imports nothing, for a taken name, a limit, a missing file", async () => {
    const taken = await runCli(["import", snapshot, "--account", "acme"], env);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/an account named "acme" exists already/);
    const limited = await runCli(["import", snapshot, "--account", "acme 2", "--max-entries", "3"], env);
    expect(limited.code).toBe(1);
    expect(limited.stderr).toMatch(/entries/);
    const missing = await runCli(["import", path.join(dataDir, "nope.zip"), "--account", "acme 3"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.zip: cannot read it \(ENOENT\)/);
    const verifyLimited = await runCli(["verify", snapshot, "--max-entries", "3"], env);
    expect(verifyLimited.code).toBe(1);
    const accounts = await runCli(["import", snapshot, "--account", "acme 2", "--max-entries", "x"], env);
    expect(accounts.code).toBe(2); // usage error
    // None of the refused attempts left an account behind: the name is still free.
    expect((await runCli(["import", snapshot, "--account", "acme 2"], env)).code).toBe(0);
  });

  it("exits 1 with one line, and imports nothing, while another process holds the database for too long", async () => {
    const holder = new SQLite(path.join(dataDir, "hirevault.sqlite"));
    holder.exec("begin immediate");
    let res: Awaited<ReturnType<typeof runCli>>;
    try {
      // The CLI waits its busy timeout (10 s) for the write lock, then gives up.
      res = await runCli(["import", snapshot, "--account", "acme busy"], env);
    } finally {
      holder.exec("rollback");
      holder.close();
    }
    expect(res.code).toBe(1);
    // After the verify pass's progress (it only reads), the one line and nothing else.
    const lines = res.stderr.split("\n").slice(0, -1);
    for (const l of lines.slice(0, -1)) expect(l).toMatch(/^verifying .*: \d+\/\d+ \(\d+%\)$/);
    expect(lines.at(-1)).toMatch(
      /^hirevault: the database is busy with another writer \(.*database is locked.*\); try again$/,
    );
    const again = await runCli(["import", snapshot, "--account", "acme busy"], env);
    expect(again.code, again.stderr).toBe(0);
  }, 60_000);
});
