/**
 * Child processes of bench/backup-bench.ts, in plain JavaScript on the compiled `dist/` so the
 * peak RSS measured is the product's own (tsx alone adds ~40 MB). One contender per process:
 *
 *   node bench/backup-children.mjs backup  <data dir>
 *   node bench/backup-children.mjs ours    <data dir> <out.xlsx>
 *   node bench/backup-children.mjs exceljs <data dir> <out.xlsx>
 *
 * Prints one JSON line: wall seconds (after start-up), rows, bytes, and the peak of
 * process.memoryUsage() sampled every 50 ms (where the memory is: heap or buffers).
 */
import { createWriteStream, statSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import pino from "pino";
import { createDatabase } from "../dist/db/create-db.js";
import {
  countCandidateReportRows,
  prepareCandidatesReport,
  streamCandidatesReport,
} from "../dist/exports/formats/candidates-report/index.js";
import { ExportRunner } from "../dist/jobs/export-runner.js";
import { ExportService } from "../dist/services/export.service.js";
import { SYSTEM_ACTOR } from "../dist/services/write-context.js";
import { LocalBlobStore } from "../dist/storage/local-blob-store.js";

const [what, dataDir, out] = process.argv.slice(2);
const blobDir = join(dataDir, "blobs");
const database = createDatabase({ sqlitePath: join(dataDir, "hirevault.sqlite") });
const blobs = new LocalBlobStore(blobDir);
const { id } = await database.db
  .selectFrom("accounts")
  .select("id")
  .where("name", "=", "bench")
  .executeTakeFirstOrThrow();

const peak = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
const sample = () => {
  const m = process.memoryUsage();
  for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], m[k]);
};
const sampler = setInterval(sample, 50);

const t0 = performance.now();
let result;
if (what === "backup") {
  const clock = { now: () => new Date() };
  const { run } = await new ExportService(database.db, clock).request(
    { accountId: id, actor: SYSTEM_ACTOR },
    "backup",
  );
  const runner = new ExportRunner({
    database,
    blobs,
    clock,
    logger: pino({ level: "silent" }),
    tmpRoot: join(dataDir, "tmp"),
    owner: "bench",
  });
  const done = await runner.runById(run.id, new AbortController().signal);
  if (done?.state !== "succeeded") throw new Error(`backup ${done?.state}: ${done?.error}`);
  const [artifact] = await runner.runs.artifacts(id, [run.id]);
  result = {
    bytes: Number(artifact.size_bytes),
    rows: Number(done.progress_total),
    path: join(blobDir, artifact.storage_key),
  };
} else {
  let rows = 0;
  await database.readSnapshot(async (db) => {
    if (what === "ours") {
      await pipeline(streamCandidatesReport(db, id, { snapshotAt: new Date() }), createWriteStream(out));
      rows = await countCandidateReportRows(db, id);
      return;
    }
    const ExcelJS = (await import("exceljs")).default;
    const report = await prepareCandidatesReport(db, id);
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: out,
      useSharedStrings: false,
      useStyles: true,
    });
    const sheet = wb.addWorksheet("Candidates");
    sheet.columns = report.columns.map((c) => ({ header: c.header, width: c.width ?? 12 }));
    for await (const row of report.rows) {
      sheet.addRow(row.cells).commit();
      rows++;
    }
    await wb.commit();
  });
  result = { rows, bytes: statSync(out).size };
}
const wall = (performance.now() - t0) / 1000;
clearInterval(sampler);
sample();
const mb = (n) => Math.round(n / 1048576);
console.log(
  JSON.stringify({
    wall,
    ...result,
    peakMB: {
      rss: mb(peak.rss),
      heapUsed: mb(peak.heapUsed),
      external: mb(peak.external),
      arrayBuffers: mb(peak.arrayBuffers),
    },
  }),
);
await database.close();
