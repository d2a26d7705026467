/**
 * `npm run bench`: every export beside baselines measured in the same run on the same data
 * (the goals of docs/BENCHMARKS.md). A benchmark, never a timed test.
 *
 *   npm run bench [-- --candidates 100000 --files 20000 --cv-kb 115 --repeat 1
 *                     --only backup,full,snapshot,report --db postgres|sqlite
 *                     --pg postgres://postgres@127.0.0.1:5432 --data /tmp]
 *   npm run bench -- --scale [10000,100000,1000000]
 *   npm run bench -- --clear-cache
 *   npm run bench -- [--scale …] --prepare     (seed the cached account(s) only, measure nothing)
 *
 * The account (N candidates, M CV files of ~115 KiB of incompressible bytes, other documents of
 * the same size on top, ~24 rows per candidate) is seeded once and cached: PostgreSQL database
 * `hv_bench_<N>_<M>` and blobs in `<data>/hv_bench_<N>_<M>/` (see bench-account.ts).
 *
 * Compared, each contender in its own process under `/usr/bin/time -v`:
 * - backup zip (Candidates.xlsx + a CV per application) vs Info-ZIP `zip -0` of the CV files
 *   once: MB/s of archive written (goal ≥ 0.9×);
 * - full export: its Internal CVs zip vs Info-ZIP of the CV files, its Attachments zip vs
 *   Info-ZIP of the other files (MB/s, ≥ 0.9×) — these parts also write Candidates.csv and
 *   Attachments.csv —, its Data Files zip vs `COPY (SELECT * … WHERE account_id = … ORDER BY id)
 *   TO STDOUT CSV` of the eight tables behind its query-backed CSVs (rows/s, ≥ 0.7×);
 * - snapshot: its `files/` vs Info-ZIP of every attachment file (MB/s), its CSVs vs COPY of the
 *   same columns and rows of every file of the layout (rows/s);
 * - Candidates report vs exceljs' streaming WorkbookWriter fed the same rows (rows/s, ≥ 3×);
 * - every export: peak RSS ≤ 150 MB.
 * `--scale` runs the exports (no baselines) at several sizes — CV files N/5 up to 100,000
 * candidates, none above — and prints how wall time and peak RSS grow.
 *
 * This file only dispatches: options.ts (command line, goals), account-bench.ts (one size beside
 * the baselines), scale-bench.ts (`--scale`), bench-account.ts (the cached account).
 */
import { benchAccount } from "./account-bench.js";
import { clearBenchCache, prepareBenchAccount } from "./bench-account.js";
import { parseOptions, scaleFiles } from "./options.js";
import { benchScale } from "./scale-bench.js";

const opts = parseOptions(process.argv.slice(2));
if (opts.clearCache) {
  const gone = await clearBenchCache(opts.spec.pgBase, opts.spec.dataRoot);
  console.log(gone.length ? `removed:\n  ${gone.join("\n  ")}` : "no cached bench data");
} else if (opts.prepare) {
  const sizes = opts.scale ?? [opts.spec.candidates];
  for (const size of sizes) {
    const files = opts.scale ? scaleFiles(size) : opts.spec.files;
    const account = await prepareBenchAccount({ ...opts.spec, candidates: size, files });
    console.log(
      `${account.seeded ? "seeded" : "cached"}: ${account.databaseUrl ?? account.sqlitePath}, ${account.blobDir}`,
    );
  }
} else if (opts.scale) {
  await benchScale(opts, opts.scale);
} else {
  await benchAccount(opts);
}
