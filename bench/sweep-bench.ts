/**
 * What the storage sweep costs on one seeded account, local store (docs/ARCHITECTURE.md, "Storage
 * and its sweep"): the sweep lists the account's attachments/ and judges the files past the grace
 * period against the attachments table and the erasure queue, a batch of keys at a time.
 *
 *   node --expose-gc --import tsx bench/sweep-bench.ts \
 *     [--candidates 2000] [--db sqlite|postgres] [--repeat 5] [--data DIR] [--no-index]
 *
 * Seeds the account once into DIR (kept when given, and reused by a later run with the same DIR,
 * size and database), then prints the median of --repeat runs of:
 *   list    a scan of the account's attachments/ alone (what the sweep reads from storage)
 *   judge   those keys asked of the database, 500 at a time (the sweep's two queries per batch)
 *   recent  a whole sweep with every file within the grace period (listed, none judged)
 *   old     a whole sweep with every file past it (listed and judged; none removed: rows own them)
 * and the heap growth of one `old` sweep. `--no-index` drops the storage_key indexes first (and
 * puts them back at the end), to show what they are for.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import pino from "pino";
import { createDatabase } from "../src/db/create-db.js";
import { migrateToLatest } from "../src/db/migrations/index.js";
import { FixedClock } from "../src/domain/clock.js";
import { STORAGE_SWEEP_GRACE_MS, SweepStorageTask } from "../src/jobs/tasks/sweep-storage.task.js";
import { StorageOwnerRepository } from "../src/repositories/storage-owner.repository.js";
import { seedAccount } from "../src/seed/seed-account.js";
import { LocalBlobStore } from "../src/storage/local-blob-store.js";

const { values: args } = parseArgs({
  options: {
    candidates: { type: "string", default: "2000" },
    db: { type: "string", default: "sqlite" },
    repeat: { type: "string", default: "5" },
    data: { type: "string" },
    pg: { type: "string", default: process.env.HIREVAULT_BENCH_PG ?? "postgres://postgres@127.0.0.1:5432" },
    "no-index": { type: "boolean", default: false },
  },
});
const candidates = Number(args.candidates);
const repeat = Number(args.repeat);
const dialect = args.db === "postgres" ? "postgres" : "sqlite";
const dir = args.data ?? (await mkdtemp(join(tmpdir(), "hv-sweep-bench-")));
const blobDir = join(dir, "blobs");
const pgName = `hv_sweep_bench_${candidates}`;
const marker = `${dialect} ${candidates}`;
const readyFile = join(dir, `ready-${dialect}`);

async function admin(sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${args.pg}/postgres` });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

const reuse = existsSync(readyFile) && readFileSync(readyFile, "utf8") === marker;
if (!reuse) {
  mkdirSync(blobDir, { recursive: true });
  if (dialect === "postgres") {
    await admin(`drop database if exists ${pgName} with (force)`);
    await admin(`create database ${pgName}`);
  }
}
const database = createDatabase(
  dialect === "postgres"
    ? { databaseUrl: `${args.pg}/${pgName}` }
    : { sqlitePath: join(dir, "hirevault.sqlite") },
);
const { db } = database;
const blobs = new LocalBlobStore(blobDir);
if (!reuse) {
  await migrateToLatest(db, database.dialect);
  process.stderr.write(`seeding ${candidates} candidates into ${dir} …\n`);
  await seedAccount({ db, blobs, accountName: "bench", candidates, seed: "sweep-bench" });
  writeFileSync(readyFile, marker);
}
const account = await db
  .selectFrom("accounts")
  .select("id")
  .where("name", "=", "bench")
  .executeTakeFirstOrThrow();
const prefix = `accounts/${account.id}/attachments/`;
const attachments = Number(
  (
    await db
      .selectFrom("attachments")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("account_id", "=", account.id)
      .executeTakeFirstOrThrow()
  ).n,
);

const indexes = [
  ["attachments_storage_key_idx", "attachments"],
  ["pending_blob_deletions_storage_key_idx", "pending_blob_deletions"],
] as const;
if (args["no-index"]) for (const [name] of indexes) await db.schema.dropIndex(name).ifExists().execute();

const silent = pino({ level: "silent" });
const sweeper = (at: number) => new SweepStorageTask(db, blobs, new FixedClock(new Date(at)), silent);
const ms = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};
const median = async (fn: () => Promise<unknown>) => {
  const runs: number[] = [];
  for (let i = 0; i < repeat; i++) runs.push(await ms(fn));
  runs.sort((a, b) => a - b);
  return Math.round(runs[Math.floor(runs.length / 2)]! * 10) / 10;
};

let files = 0;
const list = await median(async () => {
  files = 0;
  for await (const _ of blobs.scan(prefix)) files++;
});
const owners = new StorageOwnerRepository(db);
const judge = await median(async () => {
  let batch: string[] = [];
  const ask = async () => {
    const named = await owners.attachmentKeys(batch);
    await owners.queuedForErasure(batch.filter((k) => !named.has(k)));
    batch = [];
  };
  for await (const blob of blobs.scan(prefix)) {
    batch.push(blob.key);
    if (batch.length >= 500) await ask();
  }
  if (batch.length) await ask();
});
const recent = await median(() => sweeper(Date.now()).sweep());
const past = () => Date.now() + STORAGE_SWEEP_GRACE_MS + 24 * 3600_000;
const old = await median(() => sweeper(past()).sweep());

global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
let heapPeak = heapBefore;
const sample = setInterval(() => {
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
}, 2);
const summary = await sweeper(past()).sweep();
clearInterval(sample);

if (args["no-index"])
  for (const [name, table] of indexes)
    await db.schema.createIndex(name).ifNotExists().on(table).columns(["storage_key"]).execute();
await database.close();

console.log(
  JSON.stringify({
    db: dialect,
    candidates,
    attachments,
    files,
    indexed: !args["no-index"],
    ms: { list, judge, recent, old },
    heapGrowthMB: Math.round((heapPeak - heapBefore) / 1e5) / 10,
    summary,
    data: dir,
  }),
);
