/**
 * The contenders of `bench/run.ts`, each in its own process under `/usr/bin/time -v` (so its
 * peak RSS is its own): our exports (`children.mjs` on the compiled `dist/`) and the baselines —
 * Info-ZIP on the same files, `COPY … TO STDOUT CSV` through psql for the same rows.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchAccount, log, resetExports } from "./bench-account.js";

/** What `/usr/bin/time -v` saw: wall seconds (measured here) and peak RSS. */
export interface Timed {
  wall: number;
  rssMB: number;
  stdout: string;
}

export function timed(cmd: string, args: string[], opts: { stdin?: string; cwd?: string } = {}): Timed {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-v", cmd, ...args], {
    encoding: "utf8",
    cwd: opts.cwd,
    maxBuffer: 1 << 30,
    input: opts.stdin,
    stdio: [opts.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(" ").slice(0, 200)} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? 0);
  return { wall, rssMB: kb / 1024, stdout: r.stdout };
}

/** Runs `run` `repeat` times: the fastest run, with the highest peak RSS of all. */
export function best<T extends { wall: number; rssMB: number }>(repeat: number, run: () => T): T {
  let fastest: T | undefined;
  let rss = 0;
  for (let i = 0; i < repeat; i++) {
    const r = run();
    rss = Math.max(rss, r.rssMB);
    if (!fastest || r.wall < fastest.wall) fastest = r;
  }
  return { ...fastest!, rssMB: rss };
}

// ---------------------------------------------------------------------------------------------
// Our exports

export interface ChildArtifact {
  part: string;
  fileName: string;
  bytes: number;
  path: string;
  /** Seconds from the child's start when the artifact's upload started and ended. */
  start: number | null;
  end: number | null;
}

/** What a child printed (see children.mjs) plus its process figures. */
export interface ChildResult {
  /** Seconds inside the child, after start-up (imports, pool). */
  wall: number;
  rssMB: number;
  rows?: number;
  artifacts: ChildArtifact[];
  /** Attachment reads: how many, first open and last close (seconds from the start). */
  files?: { opened: number; first: number | null; last: number | null };
  peakMB: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
}

export type ChildKind = "backup" | "full" | "snapshot" | "report" | "exceljs";

const CHILDREN = fileURLToPath(new URL("children.mjs", import.meta.url));

/** Runs one contender in its own node process; checks every zip it wrote with `unzip -t`. */
export function runChild(kind: ChildKind, account: BenchAccount, workDir: string): ChildResult {
  const config = {
    databaseUrl: account.databaseUrl,
    sqlitePath: account.sqlitePath,
    blobDir: account.blobDir,
    accountId: account.accountId,
    workDir,
  };
  const r = timed(process.execPath, [CHILDREN, kind, JSON.stringify(config)]);
  const json = JSON.parse(r.stdout.trim().split("\n").pop()!) as Omit<ChildResult, "rssMB">;
  for (const a of json.artifacts) {
    if (!/\.(zip|xlsx)$/.test(a.fileName)) continue;
    const test = spawnSync("/usr/bin/unzip", ["-tqq", a.path], { encoding: "utf8" });
    // An account without CV files has an empty Internal CVs zip: Info-ZIP warns (status 1) that
    // it is empty, and it is a valid archive (an end record, no entries).
    const empty = test.status === 1 && /zipfile is empty/.test(`${test.stdout}${test.stderr}`);
    if (test.status !== 0 && !empty)
      throw new Error(`${kind}: unzip -t failed on ${a.fileName}: ${test.stdout}${test.stderr}`);
  }
  for (const a of json.artifacts) rmSync(a.path, { force: true });
  return { ...json, rssMB: r.rssMB };
}

/**
 * Runs one export `repeat` times on the account as seeded (reset before and after each run): the
 * fastest run, with the highest peak RSS of all.
 */
export async function exportOnce(
  kind: ChildKind,
  account: BenchAccount,
  workDir: string,
  repeat: number,
): Promise<ChildResult> {
  let fastest: ChildResult | undefined;
  let rss = 0;
  for (let i = 0; i < repeat; i++) {
    await resetExports(account);
    log(`${kind}${repeat > 1 ? ` (${i + 1}/${repeat})` : ""} …`);
    const r = runChild(kind, account, workDir);
    rss = Math.max(rss, r.rssMB);
    if (!fastest || r.wall < fastest.wall) fastest = r;
  }
  await resetExports(account);
  return { ...fastest!, rssMB: rss };
}

// ---------------------------------------------------------------------------------------------
// Baselines

/** Info-ZIP `zip -0 -q OUT -@`, the files listed on stdin (relative to the blob directory). */
export function infoZip(account: BenchAccount, keys: readonly string[], out: string) {
  const r = timed("/usr/bin/zip", ["-0", "-q", out, "-@"], { stdin: keys.join("\n"), cwd: account.blobDir });
  const bytes = keys.length ? statSync(out).size : 0;
  rmSync(out, { force: true });
  return { ...r, bytes };
}

/** Reads the files once, so every contender finds them in the page cache. */
export function warmFiles(account: BenchAccount, keys: readonly string[]): void {
  if (keys.length)
    timed("/bin/sh", ["-c", "xargs cat > /dev/null"], { stdin: keys.join("\n"), cwd: account.blobDir });
}

export interface CopyQuery {
  /** Name of the output file (no slash). */
  name: string;
  select: string;
}

/**
 * One psql process running `\copy (SELECT …) TO 'file' CSV HEADER` (i.e. `COPY … TO STDOUT`,
 * written by psql) for each query, into `dir`. Rows from psql's `COPY n` tags, bytes from the files.
 */
export function copyBaseline(databaseUrl: string, queries: readonly CopyQuery[], dir: string) {
  const script = join(dir, "copy.sql");
  writeFileSync(
    script,
    queries
      .map((q) => `\\copy (${q.select}) to '${join(dir, `${q.name}.csv`)}' with (format csv, header)`)
      .join("\n"),
  );
  const r = timed("psql", ["-X", "-v", "ON_ERROR_STOP=1", "-d", databaseUrl, "-f", script]);
  let rows = 0;
  for (const m of r.stdout.matchAll(/^COPY (\d+)$/gm)) rows += Number(m[1]);
  let bytes = 0;
  for (const f of readdirSync(dir)) {
    if (!f.endsWith(".csv")) continue;
    bytes += statSync(join(dir, f)).size;
    rmSync(join(dir, f));
  }
  rmSync(script);
  return { ...r, rows, bytes, queries: queries.length };
}

/** SQL text of a value or identifier (the bench builds its own trusted queries). */
export const lit = (v: string) => `'${v.replace(/'/g, "''")}'`;
export const ident = (v: string) => `"${v.replace(/"/g, '""')}"`;
