import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { DialectName } from "../../src/db/dialect.js";
import { createTestDatabase, type TestDatabase } from "./dialects.js";

export const BIN = path.resolve("bin/hirevault.js");

/** What a CLI suite runs against: a fresh database, a data dir, and the environment naming both. */
export interface CliSetup {
  /** Closed: the CLI processes own it. */
  database: TestDatabase;
  dataDir: string;
  env: Record<string, string | undefined>;
  /** Drops the database and removes the data dir. */
  remove(): Promise<void>;
}

/** A migrated database the CLI processes own and a data dir under `os.tmpdir()` named `prefix…`. */
export async function cliSetup(dialect: DialectName, prefix: string): Promise<CliSetup> {
  const database = await createTestDatabase(dialect);
  await database.close(); // the CLI processes own the database from here
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  const env = { HIREVAULT_DATA_DIR: dataDir, DATABASE_URL: database.url, PORT: "0", HIREVAULT_DEMO: "false" };
  const remove = async () => {
    await database.drop().catch(() => undefined);
    await fs.rm(dataDir, { recursive: true, force: true });
  };
  return { database, dataDir, env, remove };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI (`node bin/hirevault.js …`) to completion with a clean environment;
 * `opts.input` is written to its stdin (a password piped in), which is closed otherwise.
 */
export function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: cliEnv(env),
      stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`hirevault ${args.join(" ")} timed out\n${stderr}`));
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs the CLI with its stdout or stderr pipe closed by the reader from the start, as
 * `hirevault … | head -0` does: every write to it fails with EPIPE. Collects the other stream.
 */
export function runCliWithClosedPipe(
  args: string[],
  env: Record<string, string | undefined>,
  closed: "stdout" | "stderr",
  timeoutMs = 120_000,
): Promise<CliResult & { signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: cliEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    child[closed]!.destroy();
    let stdout = "";
    let stderr = "";
    if (closed !== "stdout") child.stdout!.on("data", (d) => (stdout += d));
    if (closed !== "stderr") child.stderr!.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`hirevault ${args.join(" ")} timed out\n${stderr}`));
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A long-running CLI process (start, worker) and a way to wait for a line of its output. */
export function spawnCli(args: string[], env: Record<string, string | undefined>) {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    env: cliEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    async waitFor(pattern: RegExp, timeoutMs = 120_000): Promise<RegExpMatchArray> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const m = stdout.match(pattern);
        if (m) return m;
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no ${pattern} in output:\n${stdout}\n${stderr}`);
    },
  };
}

function cliEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: "warn" };
  return Object.fromEntries(Object.entries({ ...base, ...env }).filter(([, v]) => v !== undefined));
}
