/**
 * Child processes of `bench/run.ts`, in plain JavaScript on the compiled `dist/` so the peak RSS
 * measured is the product's own (tsx alone adds ~40 MB). One contender per process:
 *
 *   node bench/children.mjs <backup|full|snapshot|report|exceljs> '<config JSON>'
 *
 * config: { databaseUrl? | sqlitePath?, blobDir, accountId, workDir }.
 * `backup`, `full` and `snapshot` are real export runs (ExportService.request, then
 * ExportRunner.runById, as the worker does), artifacts written to the local blob store;
 * `report` streams our Candidates report to a file, `exceljs` feeds the same rows (same queries)
 * to exceljs' streaming WorkbookWriter.
 *
 * Prints one JSON line: wall seconds (after start-up), what was written, when each artifact's
 * upload started and ended and when the attachments were read (seconds from the start: the phases
 * of an export), and the peak of process.memoryUsage() sampled every 50 ms.
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
} from "../dist/exports/candidates-report/index.js";
import { ExportRunner } from "../dist/jobs/export-runner.js";
import { ExportService } from "../dist/services/export.service.js";
import { SYSTEM_ACTOR } from "../dist/services/write-context.js";
import { LocalBlobStore } from "../dist/storage/local-blob-store.js";

const [what, configJson] = process.argv.slice(2);
const config = JSON.parse(configJson);
const database = createDatabase(
  config.databaseUrl ? { databaseUrl: config.databaseUrl, poolSize: 4 } : { sqlitePath: config.sqlitePath },
);
const accountId = config.accountId;

const peak = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
const sample = () => {
  const m = process.memoryUsage();
  for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], m[k]);
};
const sampler = setInterval(sample, 50);
const t0 = performance.now();
const since = () => (performance.now() - t0) / 1000;

/**
 * The local blob store, recording each upload (an artifact: start, end, size) and the reads of
 * attachments (first open, last close): the phases of an export, without touching the product.
 */
function recordingBlobs(inner) {
  const puts = [];
  const files = { opened: 0, first: null, last: null };
  const blobs = new Proxy(inner, {
    get(target, prop) {
      if (prop === "put")
        return async (key, body, opts) => {
          const start = since();
          const info = await target.put(key, body, opts);
          puts.push({ key, start, end: since(), bytes: info.size });
          return info;
        };
      if (prop === "get")
        return async (key, range) => {
          const stream = await target.get(key, range);
          if (key.includes("/attachments/")) {
            files.opened++;
            files.first ??= since();
            stream.once("close", () => {
              files.last = since();
            });
          }
          return stream;
        };
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { blobs, puts, files };
}

async function runExport(format) {
  const clock = { now: () => new Date() };
  const recorder = recordingBlobs(new LocalBlobStore(config.blobDir));
  const { run } = await new ExportService(database.db, clock).request(
    { accountId, actor: SYSTEM_ACTOR },
    format,
  );
  if (run.state !== "queued") throw new Error(`${format} run is ${run.state}, not queued`);
  const runner = new ExportRunner({
    database,
    blobs: recorder.blobs,
    clock,
    logger: pino({ level: "silent" }),
    tmpRoot: join(config.workDir, "export-tmp"),
    owner: "bench",
  });
  const done = await runner.runById(run.id, new AbortController().signal);
  if (done?.state !== "succeeded") throw new Error(`${format} ${done?.state}: ${done?.error}`);
  const artifacts = await runner.runs.artifacts(accountId, [run.id]);
  return {
    runId: run.id,
    work: Number(done.progress_total),
    artifacts: artifacts.map((a) => {
      const put = recorder.puts.find((p) => p.key === a.storage_key);
      return {
        part: a.part,
        fileName: a.file_name,
        bytes: Number(a.size_bytes),
        path: join(config.blobDir, a.storage_key),
        start: put?.start ?? null,
        end: put?.end ?? null,
      };
    }),
    files: recorder.files,
  };
}

async function runSheet() {
  const out = join(config.workDir, `${what}.xlsx`);
  let rows = 0;
  await database.readSnapshot(async (db) => {
    if (what === "report") {
      await pipeline(
        streamCandidatesReport(db, accountId, { snapshotAt: new Date() }),
        createWriteStream(out),
      );
      rows = await countCandidateReportRows(db, accountId);
      return;
    }
    const ExcelJS = (await import("exceljs")).default;
    const report = await prepareCandidatesReport(db, accountId);
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
  return {
    rows,
    artifacts: [{ part: what, fileName: `${what}.xlsx`, bytes: statSync(out).size, path: out }],
  };
}

let result;
if (what === "backup" || what === "full" || what === "snapshot") result = await runExport(what);
else if (what === "report" || what === "exceljs") result = await runSheet();
else throw new Error(`unknown contender "${what}"`);
const wall = since();
clearInterval(sampler);
sample();
await database.close();
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
