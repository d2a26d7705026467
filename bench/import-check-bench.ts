/**
 * What the import's check before the write costs (docs/EXPORTS.md, "Restoring a snapshot"): the
 * pass over every CSV that refuses repeated ids and references that do not resolve inside the
 * snapshot (src/import/reference-check.ts).
 *
 *   hirevault seed --account bench --candidates 5000
 *   hirevault export snapshot --account bench --out /tmp/bench.zip
 *   node --expose-gc --import tsx bench/import-check-bench.ts --snapshot /tmp/bench.zip \
 *     [--repeat 5] [--import]
 *
 * Prints the median of --repeat runs of:
 *   read    every CSV read through the importer's reader (bytes hashed, records parsed), nothing else
 *   check   the whole check: the same reading, plus ids and references
 * the rows read, the ids held at the fullest moment with the bytes of their sets, and the heap
 * growth of one check (sampled every 10 ms over a heap measured after a full GC). With --import,
 * one whole import into a fresh SQLite database and local store, for scale (the check included).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createDatabase } from "../src/db/create-db.js";
import { migrateToLatest } from "../src/db/migrations/index.js";
import { SNAPSHOT_FILES } from "../src/exports/formats/snapshot/layout.js";
import { importSnapshot } from "../src/import/import-snapshot.js";
import { checkReferences } from "../src/import/reference-check.js";
import { SnapshotArchive } from "../src/import/snapshot-archive.js";
import { LocalBlobStore } from "../src/storage/local-blob-store.js";

const { values: args } = parseArgs({
  options: {
    snapshot: { type: "string" },
    repeat: { type: "string", default: "5" },
    import: { type: "boolean", default: false },
  },
});
if (!args.snapshot) throw new Error("--snapshot FILE is required (see the comment at the top)");
const file = args.snapshot;
const repeat = Number(args.repeat);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function timed(fn: (archive: SnapshotArchive) => Promise<unknown>): Promise<number> {
  const archive = await SnapshotArchive.open(file);
  try {
    const start = performance.now();
    await fn(archive);
    return performance.now() - start;
  } finally {
    await archive.close();
  }
}

const readAll = async (archive: SnapshotArchive) => {
  let records = 0;
  for (const f of SNAPSHOT_FILES) for await (const _ of archive.records(f)) records++;
  return records;
};

const read: number[] = [];
const check: number[] = [];
for (let i = 0; i < repeat; i++) {
  read.push(await timed(readAll));
  check.push(await timed(checkReferences));
}

// One more check, for what it holds: the sets it reports, and the heap sampled while it runs.
gc();
const base = process.memoryUsage().heapUsed;
let peak = base;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().heapUsed);
}, 10);
const archive = await SnapshotArchive.open(file);
const summary = await checkReferences(archive);
await archive.close();
clearInterval(sampler);

console.log(`snapshot       ${file}`);
console.log(`rows           ${summary.rows.toLocaleString("en")}`);
console.log(`read           ${seconds(median(read))}  (median of ${repeat})`);
console.log(`check          ${seconds(median(check))}  (median of ${repeat})`);
console.log(
  `ids held       ${summary.peakIds.toLocaleString("en")} at most, ${mb(summary.peakBytes)} of sets`,
);
console.log(`heap growth    ${mb(peak - base)} (sampled every 10 ms)`);

if (args.import) {
  const dir = await mkdtemp(join(tmpdir(), "hv-import-check-bench-"));
  const database = createDatabase({ sqlitePath: join(dir, "hirevault.sqlite") });
  try {
    await migrateToLatest(database.db, database.dialect);
    const start = performance.now();
    const result = await importSnapshot({
      db: database.db,
      blobs: new LocalBlobStore(join(dir, "blobs")),
      file,
      accountName: "bench import",
    });
    const total = performance.now() - start;
    const rows = Object.values(result.rows).reduce((a, b) => a + (b ?? 0), 0);
    console.log(
      `import         ${seconds(total)} on SQLite (${rows.toLocaleString("en")} rows, ${result.files} files); the check is ${((median(check) / total) * 100).toFixed(0)} % of it`,
    );
  } finally {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  }
}
