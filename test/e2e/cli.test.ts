import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliSetup, cliSetup, runCli, spawnCli } from "../support/cli.js";
import { DIALECTS } from "../support/dialects.js";

// real: the compiled CLI as child processes, SQLite file / PostgreSQL database, local blob dir.
describe.each(DIALECTS)("hirevault CLI on %s", (dialect) => {
  let cli: CliSetup;
  let dataDir: string;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    cli = await cliSetup(dialect, "hv-cli-");
    ({ dataDir, env } = cli);
  });
  afterAll(async () => {
    await cli?.remove();
  });

  it("migrates, seeds, refuses a second account of the same name, and creates tokens", async () => {
    expect((await runCli(["migrate"], env)).code).toBe(0);
    const seeded = await runCli(["seed", "--account", "acme", "--candidates", "40", "--seed", "s1"], env);
    expect(seeded.code, seeded.stderr).toBe(0);
    const { counts } = JSON.parse(seeded.stdout) as { counts: Record<string, number> };
    expect(counts.persons).toBeGreaterThanOrEqual(40);
    expect(seeded.stderr).toMatch(/seeding acme: done/);

    const again = await runCli(["seed", "--account", "acme", "--candidates", "1"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists already/);

    const token = await runCli(["token", "create", "--account", "acme", "--role", "admin"], env);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^hv_[A-Za-z0-9_-]{40,}\n$/);
    const missing = await runCli(["token", "create", "--account", "nope", "--role", "admin"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/account nope not found/);
  });

  it("exports a backup from the command line: progress on stderr, the saved path on stdout", async () => {
    const out = path.join(dataDir, "exports");
    await fs.mkdir(out);
    const res = await runCli(["export", "backup", "--account", "acme", "--out", out], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/backup export of acme: \d+\/\d+ \(\d+%\)/);
    expect(res.stderr).toMatch(/backup export of acme: done in [\d.]+ s — [\d,]+ bytes, sha256 [0-9a-f]{64}/);
    const saved = res.stdout.trim();
    expect(path.dirname(saved)).toBe(out);
    expect(path.basename(saved)).toMatch(/^acme-backup-\d{4}-\d{2}-\d{2}\.zip$/);
    const sha = res.stderr.match(/sha256 ([0-9a-f]{64})/)![1];
    const bytes = await fs.readFile(saved);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(sha);
    expect(bytes.subarray(0, 4).toString("hex")).toBe("504b0304");
    expect((await fs.readdir(out)).filter((f) => f.includes(".partial"))).toEqual([]);
    // An explicit file name works too; an unknown account fails (1), an unknown format is usage (2).
    const named = await runCli(
      ["export", "backup", "--account", "acme", "--out", path.join(out, "b.zip")],
      env,
    );
    expect(named.code, named.stderr).toBe(0);
    expect(named.stdout.trim()).toBe(path.join(out, "b.zip"));
    const unknown = await runCli(["export", "backup", "--account", "nope", "--out", out], env);
    expect(unknown.code).toBe(1);
    expect((await runCli(["export", "tarball", "--account", "acme", "--out", out], env)).code).toBe(2);
  });

  it("exits 2 on usage errors", async () => {
    expect((await runCli(["seed", "--account", "x", "--candidates", "many"], env)).code).toBe(2);
    expect((await runCli(["token", "create", "--account", "x", "--role", "king"], env)).code).toBe(2);
    expect((await runCli(["no-such-command"], env)).code).toBe(2);
    expect((await runCli(["--help"], env)).code).toBe(0);
  });

  it("serves the API with a CLI token and stops cleanly on SIGTERM", async () => {
    const token = (
      await runCli(["token", "create", "--account", "acme", "--role", "viewer"], env)
    ).stdout.trim();
    const server = spawnCli(["start"], env);
    const [, url] = await server.waitFor(/Hirevault is running at (http:\/\/\S+)/);
    const me = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { account: { name: string } }).account.name).toBe("acme");
    const persons = await fetch(`${url}/api/v1/persons?limit=5`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await persons.json()) as { data: unknown[] }).data).toHaveLength(5);
    expect(server.output().stdout).not.toContain(token);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });

  it.runIf(dialect === "sqlite")(
    "stops cleanly on a SIGTERM that arrives while it is still starting",
    async () => {
      // Hold the database so the worker's start-up waits on it. A write lock alone does not: in
      // WAL mode readers pass it, and start-up only reads when the schema is current. Exclusive
      // locking mode makes the lock block readers too, so the worker stays in its first pragma
      // (up to its 5 s default busy wait) until the lock is released below.
      const lock = new Sqlite(path.join(dataDir, "hirevault.sqlite"));
      lock.pragma("locking_mode = EXCLUSIVE");
      lock.exec("BEGIN EXCLUSIVE");
      const worker = spawnCli(["worker"], { ...env, LOG_LEVEL: "info" });
      try {
        await worker.waitFor(/worker starting/);
        await new Promise((r) => setTimeout(r, 300));
        expect(worker.output().stdout).not.toMatch(/worker started/);
        worker.child.kill("SIGTERM");
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        lock.exec("COMMIT");
        lock.close();
      }
      expect(await worker.exited).toBe(0);
    },
  );

  it.runIf(dialect === "sqlite" && process.platform === "linux").each([
    ["worker", 5],
    ["start", 2],
  ] as const)(
    "`%s` stops cleanly on a SIGTERM that arrives while it is still loading (%i times)",
    async (command, times) => {
      for (let i = 0; i < times; i++) {
        const child = spawnCli([command], { ...env, LOG_LEVEL: "info" });
        // No log line to wait for: the signal is to land while the CLI's modules load, before the
        // command has run at all. Only not during Node's own start-up (about 0.1 s of CPU), which
        // dies of any SIGTERM whatever the script does: wait for 0.3 s of CPU, a fraction of the
        // time loading takes.
        while ((await cpuMs(child.child.pid!)) < 300) await new Promise((r) => setTimeout(r, 5));
        child.child.kill("SIGTERM");
        const code = await child.exited;
        expect(code, `${command} #${i + 1}: ${child.output().stderr}`).toBe(0);
      }
    },
  );

  it("runs a worker that stops cleanly on SIGTERM", async () => {
    const worker = spawnCli(["worker"], { ...env, LOG_LEVEL: "info" });
    // Started (signal handlers in place), not a fixed delay: start-up is slower on a busy machine.
    await worker.waitFor(/worker started/);
    await new Promise((r) => setTimeout(r, 500));
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
  });
});

describe("first run of `hirevault start` (embedded default)", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hv-first-"));
  });
  afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

  it("seeds the demo account once, prints the URL and an admin token that works", async () => {
    const env = { HIREVAULT_DATA_DIR: dataDir, PORT: "0" };
    const first = spawnCli(["start"], env);
    const [, url] = await first.waitFor(/Hirevault is running at (http:\/\/\S+)/, 180_000);
    const [, token] = await first.waitFor(/^\s+(hv_\S+)$/m);
    const me = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ account: { name: "demo" }, role: "admin" });
    const invoices = await fetch(`${url}/api/v1/invoices`, { headers: { authorization: `Bearer ${token}` } });
    const statuses = ((await invoices.json()) as { data: { status: string }[] }).data
      .map((i) => i.status)
      .sort();
    expect(statuses).toEqual(["paid", "pending"]);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    await expect(fs.stat(path.join(dataDir, "hirevault.sqlite"))).resolves.toBeTruthy();

    const second = spawnCli(["start"], env);
    await second.waitFor(/Hirevault is running at/);
    await second.waitFor(/token create --account demo/);
    expect(second.output().stdout).not.toMatch(/hv_/);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });
});

describe("`hirevault --help`", () => {
  it("loads commander and the command declarations, no package behind any command", async () => {
    // A module resolve hook (node --import) appends every URL the CLI resolves to a file.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "hv-help-"));
    try {
      const list = path.join(dir, "resolved.txt");
      const hook = `import fs from "node:fs";
        export async function resolve(specifier, context, next) {
          const resolved = await next(specifier, context);
          fs.appendFileSync(process.env.HV_RESOLVED, resolved.url + "\\n");
          return resolved;
        }`;
      const register = `import { register } from "node:module";
        register("data:text/javascript," + encodeURIComponent(${JSON.stringify(hook)}));`;
      const res = await runCli(["--help"], {
        NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(register)}`,
        HV_RESOLVED: list,
      });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toMatch(/Commands:\n\s+start/);
      const resolved = (await fs.readFile(list, "utf8")).trim().split("\n");
      expect(resolved.some((url) => url.endsWith("/dist/cli/main.js"))).toBe(true);
      const packages = new Set(
        resolved.flatMap((url) => url.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? []),
      );
      expect([...packages]).toEqual(["commander"]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

/** CPU time (user + system) a process has used so far, in ms: Linux /proc, 100 ticks a second. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
