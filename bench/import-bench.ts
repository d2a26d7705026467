/**
 * What `hirevault import` costs, and what the API's writers feel while it runs
 * (docs/ARCHITECTURE.md, "Import"):
 *
 *   npx tsx bench/import-bench.ts [--candidates 5000] [--db sqlite|postgres] [--data DIR] [--writes]
 *     [--bin bin/hirevault.js]
 *
 * Makes a snapshot of a seeded account once (`hirevault seed` + `hirevault export snapshot` into
 * DIR, reused by a later run with the same DIR and size), then, into a fresh database, times the
 * compiled CLI's `hirevault import` (build first: `npx tsc -p tsconfig.build.json`; `--bin` runs
 * another build's launcher, to compare two versions on the same machine at the same time). With
 * `--writes`, `hirevault start` serves the API on the same database meanwhile, and this process
 * creates one tag after another through it (`POST /api/v1/tags`, at most one every 50 ms) for as
 * long as the import runs, then prints how many answered what and their latency (median, 99th
 * percentile, max).
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";

const { values: args } = parseArgs({
  options: {
    candidates: { type: "string", default: "5000" },
    db: { type: "string", default: "sqlite" },
    data: { type: "string" },
    pg: { type: "string", default: process.env.HIREVAULT_BENCH_PG ?? "postgres://postgres@127.0.0.1:5432" },
    writes: { type: "boolean", default: false },
    bin: { type: "string", default: "bin/hirevault.js" },
  },
});
const candidates = Number(args.candidates);
const dialect = args.db === "postgres" ? "postgres" : "sqlite";
const dir = resolve(args.data ?? (await mkdtemp(join(tmpdir(), "hv-import-bench-"))));
const BIN = resolve(args.bin);

function cli(
  argv: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; ms: number; stderr: string }> {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      env: { PATH: process.env.PATH, HIREVAULT_DEMO: "false", LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => done({ code, ms: performance.now() - started, stderr }));
  });
}

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${args.pg}/postgres` });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

// 1. The snapshot, made once per DIR and size.
const snapshot = join(dir, `snapshot-${candidates}.zip`);
if (!existsSync(snapshot)) {
  const srcDir = join(dir, `source-${candidates}`);
  await mkdir(srcDir, { recursive: true });
  const env = { HIREVAULT_DATA_DIR: srcDir };
  const seeded = await cli(["seed", "--account", "source", "--candidates", String(candidates)], env);
  if (seeded.code !== 0) throw new Error(`seed failed: ${seeded.stderr}`);
  const exported = await cli(["export", "snapshot", "--account", "source", "--out", snapshot], env);
  if (exported.code !== 0) throw new Error(`export failed: ${exported.stderr}`);
  console.log(`snapshot of ${candidates} candidates: ${snapshot}`);
}

// 2. A fresh database with one account and a token for the API's writes, made by the same build.
const runDir = await mkdtemp(join(dir, `run-${dialect}-`));
const pgName = `hv_import_bench_${crypto.randomBytes(4).toString("hex")}`;
let databaseUrl: string | undefined;
if (dialect === "postgres") {
  await admin(`create database ${pgName}`);
  databaseUrl = `${args.pg}/${pgName}`;
}
const env = { HIREVAULT_DATA_DIR: runDir, DATABASE_URL: databaseUrl };
for (const argv of [["migrate"], ["seed", "--account", "api", "--candidates", "0"]]) {
  const r = await cli(argv, env);
  if (r.code !== 0) throw new Error(`${argv[0]} failed: ${r.stderr}`);
}
const token = await new Promise<string>((done, fail) => {
  const child = spawn(process.execPath, [BIN, "token", "create", "--account", "api", "--role", "admin"], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.on("close", (code) => (code === 0 ? done(out.trim()) : fail(new Error("token create failed"))));
});

// 3. The API in a process of its own, as in production, when its writes are measured.
const port = 20_000 + Math.floor(Math.random() * 20_000);
const server = args.writes
  ? spawn(process.execPath, [BIN, "start"], {
      env: {
        PATH: process.env.PATH,
        ...env,
        PORT: String(port),
        HIREVAULT_DEMO: "false",
        HIREVAULT_RATE_LIMIT: "1000000",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    })
  : undefined;
const base = `http://127.0.0.1:${port}`;
if (server) {
  for (let i = 0; ; i++) {
    if (
      await fetch(`${base}/api/v1/openapi.json`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 600) throw new Error("the API did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The first request compiles the route's schemas: not what is measured.
if (server) {
  await fetch(`${base}/api/v1/tags`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "before the import" }),
  }).then((r) => r.arrayBuffer());
}

// 4. The import, with the API writing next to it.
const latencies: number[] = [];
const statuses = new Map<number, number>();
let importing = true;
const writer = (async () => {
  for (let i = 0; importing && server; i++) {
    const started = performance.now();
    const res = await fetch(`${base}/api/v1/tags`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: `tag ${i}` }),
    });
    await res.arrayBuffer();
    latencies.push(performance.now() - started);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    // One request every 50 ms at most: a steady trickle of writes, not a flood.
    await new Promise((r) => setTimeout(r, 50));
  }
})();
const imported = await cli(["import", snapshot, "--account", "copy"], env);
importing = false;
await writer;
server?.kill("SIGTERM");
if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
console.log(
  `${dialect}, ${candidates} candidates: import ${(imported.ms / 1000).toFixed(1)} s (${imported.stderr.trim().split("\n").at(-1)})`,
);
if (server) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(0);
  console.log(
    `API writes during the import: ${sorted.length} (${[...statuses].map(([st, n]) => `${n}× ${st}`).join(", ")}), ` +
      `median ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`,
  );
  await new Promise((r) => server.once("close", r));
}
await rm(runDir, { recursive: true, force: true });
if (dialect === "postgres") await admin(`drop database ${pgName} with (force)`);
