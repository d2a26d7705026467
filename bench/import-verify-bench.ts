/**
 * What `hirevault import`'s verify pass costs (docs/EXPORTS.md, "Import"): before it writes
 * anything, the import runs every check of `hirevault verify` on the archive, so each byte of the
 * snapshot is read twice.
 *
 *   node --import tsx bench/import-verify-bench.ts \
 *     [--candidates 5000] [--db sqlite|postgres] [--repeat 3] [--data DIR]
 *
 * Builds the snapshot with the real CLI (`npm run build` first): `hirevault seed` of one account,
 * then `hirevault export snapshot`, into DIR (kept when given, and reused by a later run with the
 * same DIR, size and database). Then prints the median of --repeat runs of:
 *   verify  the verify pass alone, on an archive already opened (what the import adds)
 *   import  a whole import into a new account (the verify pass, then rows and files)
 * and the verify pass's share of the import.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createDatabase } from "../src/db/create-db.js";
import { importSnapshot } from "../src/import/import-snapshot.js";
import { SnapshotArchive } from "../src/import/snapshot-archive.js";
import { LocalBlobStore } from "../src/storage/local-blob-store.js";
import { verifyOpenedSnapshot } from "../src/verify/verify-export.js";

const { values: args } = parseArgs({
  options: {
    candidates: { type: "string", default: "5000" },
    db: { type: "string", default: "sqlite" },
    repeat: { type: "string", default: "3" },
    data: { type: "string" },
    pg: { type: "string", default: process.env.HIREVAULT_BENCH_PG ?? "postgres://postgres@127.0.0.1:5432" },
  },
});
const candidates = Number(args.candidates);
const repeat = Number(args.repeat);
const dialect = args.db === "postgres" ? "postgres" : "sqlite";
const dir = resolve(args.data ?? (await mkdtemp(join(tmpdir(), "hv-import-bench-"))));
const pgName = `hv_import_bench_${candidates}`;
const marker = `${dialect} ${candidates}`;
const readyFile = join(dir, `ready-${dialect}`);
const snapshot = join(dir, `snapshot-${dialect}.zip`);
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LOG_LEVEL: "warn",
  HIREVAULT_DEMO: "false",
  HIREVAULT_DATA_DIR: dir,
  ...(dialect === "postgres" ? { DATABASE_URL: `${args.pg}/${pgName}` } : {}),
};
const cli = (...argv: string[]) =>
  execFileSync(process.execPath, ["bin/hirevault.js", ...argv], {
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });

async function admin(sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${args.pg}/postgres` });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

if (!(existsSync(readyFile) && readFileSync(readyFile, "utf8") === marker)) {
  if (dialect === "postgres") {
    await admin(`drop database if exists ${pgName} with (force)`);
    await admin(`create database ${pgName}`);
  }
  cli("migrate");
  cli("seed", "--account", "bench", "--candidates", String(candidates), "--seed", "import-bench");
  cli("export", "snapshot", "--account", "bench", "--out", snapshot);
  writeFileSync(readyFile, marker);
}

const database = createDatabase(
  dialect === "postgres"
    ? { databaseUrl: `${args.pg}/${pgName}` }
    : { sqlitePath: join(dir, "hirevault.sqlite") },
);
const blobs = new LocalBlobStore(join(dir, "blobs"));

const median = (runs: number[]) => {
  const sorted = [...runs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const seconds = (ms: number) => (ms / 1000).toFixed(2);

const archive = await SnapshotArchive.open(snapshot);
let bytes = 0;
for (const e of archive.zip.entries.values()) bytes += e.uncompressedSize;
const entries = archive.zip.entries.size;
await archive.close();

const verifyRuns: number[] = [];
for (let i = 0; i < repeat; i++) {
  const opened = await SnapshotArchive.open(snapshot);
  const t0 = performance.now();
  const report = await verifyOpenedSnapshot(opened.zip, snapshot);
  verifyRuns.push(performance.now() - t0);
  await opened.close();
  if (!report.ok) throw new Error(`the bench snapshot does not verify: ${JSON.stringify(report.checks)}`);
}

const importRuns: number[] = [];
for (let i = 0; i < repeat; i++) {
  const t0 = performance.now();
  await importSnapshot({ db: database.db, blobs, file: snapshot, accountName: `copy ${Date.now()} ${i}` });
  importRuns.push(performance.now() - t0);
}
await database.close();

const verify = median(verifyRuns);
const whole = median(importRuns);
const mb = bytes / 1e6;
console.log(
  [
    `snapshot: ${candidates} candidates, ${dialect}; ${(statSync(snapshot).size / 1e6).toFixed(1)} MB zip, ${entries} entries, ${mb.toFixed(1)} MB uncompressed`,
    `verify pass: ${seconds(verify)} s median of ${repeat} (${verifyRuns.map(seconds).join(", ")}), ${(mb / (verify / 1000)).toFixed(0)} MB/s`,
    `whole import: ${seconds(whole)} s median of ${repeat} (${importRuns.map(seconds).join(", ")})`,
    `verify share: ${((verify / whole) * 100).toFixed(0)} % of the import; without it about ${seconds(whole - verify)} s`,
  ].join("\n"),
);
