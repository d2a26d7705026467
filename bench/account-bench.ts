/**
 * `npm run bench` at one size: every export asked for, beside its baselines measured in the same
 * run on the same cached account and page cache, so each ratio compares like with like. Measures
 * first, then prints the whole report (the goals of docs/BENCHMARKS.md).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { SNAPSHOT_FILES } from "../src/exports/formats/snapshot/layout.js";
import { type Facts, readFacts } from "./account-facts.js";
import { type BenchAccount, log, prepareBenchAccount, resetExports } from "./bench-account.js";
import {
  best,
  type ChildResult,
  copyBaseline,
  exportOnce,
  infoZip,
  runChild,
  timed,
  warmFiles,
} from "./contenders.js";
import { fullQueries, snapshotQueries } from "./copy-queries.js";
import { type ExportKind, GOAL, type Options } from "./options.js";
import { fmt, HEADER, line, mb, mbps, rps } from "./report-lines.js";

type ZipBaseline = ReturnType<typeof infoZip>;
type CopyResult = ReturnType<typeof copyBaseline>;

/** Everything measured on one account, as the report prints it. */
interface Measured {
  opts: Options;
  account: BenchAccount;
  facts: Facts;
  zipCv: ZipBaseline | null;
  zipOther: ZipBaseline | null;
  copySnap: CopyResult | null;
  copyFull: CopyResult | null;
  excel: ChildResult | null;
  ours: Partial<Record<ExportKind, ChildResult>>;
}

export async function benchAccount(opts: Options): Promise<void> {
  const { spec, only, repeat } = opts;
  const account = await prepareBenchAccount(spec);
  const facts = await readFacts(account);
  const pgUrl = account.databaseUrl;
  const has = (k: ExportKind) => only.includes(k);
  const work = mkdtempSync(join(account.dir, "run-"));
  const allKeys = [...facts.cvKeys, ...facts.otherKeys];
  try {
    log("warming the page cache (files, tables) …");
    warmFiles(account, allKeys);
    if (pgUrl) copyBaseline(pgUrl, snapshotQueries(account.accountId), work);
    else timed("/bin/sh", ["-c", `cat '${account.sqlitePath}'* > /dev/null`]);

    // Baselines.
    const needFiles = has("backup") || has("full") || has("snapshot");
    const needOther = has("full") || has("snapshot");
    log("baselines: Info-ZIP, COPY, exceljs …");
    const zipCv = needFiles ? best(repeat, () => infoZip(account, facts.cvKeys, join(work, "cv.zip"))) : null;
    const zipOther = needOther
      ? best(repeat, () => infoZip(account, facts.otherKeys, join(work, "o.zip")))
      : null;
    const copySnap =
      pgUrl && has("snapshot")
        ? best(repeat, () => copyBaseline(pgUrl, snapshotQueries(account.accountId), work))
        : null;
    const copyFull =
      pgUrl && has("full")
        ? best(repeat, () => copyBaseline(pgUrl, fullQueries(account.accountId), work))
        : null;
    const excel = has("report") ? best(repeat, () => runChild("exceljs", account, work)) : null;

    // Our exports.
    const ours: Partial<Record<ExportKind, ChildResult>> = {};
    for (const k of only) ours[k] = await exportOnce(k, account, work, repeat);

    printReport({ opts, account, facts, zipCv, zipOther, copySnap, copyFull, excel, ours });
  } finally {
    rmSync(work, { recursive: true, force: true });
    await resetExports(account);
  }
}

/** The timed upload of one part of an export (from children.mjs's artifact timings). */
const part = (r: ChildResult, name: string) => {
  const a = r.artifacts.find((x) => x.part === name);
  if (!a || a.start === null || a.end === null) throw new Error(`no timed "${name}" artifact`);
  return { ...a, wall: a.end - a.start };
};

const zipRate = (z: { bytes: number; wall: number }) => z.bytes / z.wall;

function printReport(m: Measured): void {
  const { opts, account, facts, zipCv, zipOther, copySnap, copyFull, excel, ours } = m;
  const { spec, repeat } = opts;
  const pgUrl = account.databaseUrl;
  const allKeys = [...facts.cvKeys, ...facts.otherKeys];
  const rows = copySnap?.rows;
  console.log(
    `\nHirevault exports vs baselines — ${facts.server}, node ${process.version}, ${cpus().length} CPUs` +
      `${repeat > 1 ? `, best of ${repeat}` : ""}`,
  );
  console.log(
    `account ${account.key} (${account.seeded ? "seeded now" : "cached"}): ${fmt(spec.candidates)} candidates` +
      `${rows ? `, ${fmt(rows)} rows` : ""}; ${fmt(facts.cvKeys.length)} CV files (${mb(facts.cvBytes)}), ` +
      `${fmt(facts.otherKeys.length)} other files (${mb(facts.otherBytes)})`,
  );
  console.log(`\n${HEADER}`);
  console.log("baselines");
  if (zipCv)
    line(`  Info-ZIP zip -0: the CV files`, zipCv.wall, mbps(zipCv.bytes, zipCv.wall), { mb: zipCv.rssMB });
  if (zipOther)
    line(`  Info-ZIP zip -0: the other files`, zipOther.wall, mbps(zipOther.bytes, zipOther.wall), {
      mb: zipOther.rssMB,
    });
  if (copySnap)
    line(
      `  COPY TO STDOUT CSV: snapshot's ${copySnap.queries} files`,
      copySnap.wall,
      rps(copySnap.rows, copySnap.wall),
      {
        mb: copySnap.rssMB,
      },
    );
  if (copyFull)
    line(
      `  COPY TO STDOUT CSV: full's ${copyFull.queries} tables`,
      copyFull.wall,
      rps(copyFull.rows, copyFull.wall),
      {
        mb: copyFull.rssMB,
      },
    );
  if (excel)
    line(`  exceljs WorkbookWriter: report rows`, excel.wall, rps(excel.rows!, excel.wall), {
      mb: excel.rssMB,
    });

  if (ours.backup && zipCv) {
    const b = ours.backup;
    const bytes = b.artifacts.reduce((n, a) => n + a.bytes, 0);
    console.log("backup: Candidates.xlsx + a CV per application, one zip");
    line(
      `  whole export (${mb(bytes)})`,
      b.wall,
      mbps(bytes, b.wall),
      { mb: b.rssMB, goal: true },
      {
        ratio: bytes / b.wall / zipRate(zipCv),
        of: "Info-ZIP (CVs)",
        goal: GOAL.zip,
      },
    );
  }
  if (ours.full && zipCv && zipOther) {
    const f = ours.full;
    const bytes = f.artifacts.reduce((n, a) => n + a.bytes, 0);
    const cvs = part(f, "cvs");
    const att = part(f, "attachments");
    const data = part(f, "data");
    console.log(
      "full export: Internal CVs zip (+ Candidates.csv), Attachments zip, Data Files zip, master CSV",
    );
    const sum = zipCv.wall + zipOther.wall + (copyFull?.wall ?? 0);
    line(
      `  whole export (${mb(bytes)})`,
      f.wall,
      mbps(bytes, f.wall),
      { mb: f.rssMB, goal: true },
      copyFull ? { ratio: sum / f.wall, of: "baselines summed", goal: null } : undefined,
    );
    line(`  Internal CVs zip (${mb(cvs.bytes)})`, cvs.wall, mbps(cvs.bytes, cvs.wall), null, {
      ratio: cvs.bytes / cvs.wall / zipRate(zipCv),
      of: "Info-ZIP (CVs)",
      goal: GOAL.zip,
    });
    line(`  Attachments zip (${mb(att.bytes)})`, att.wall, mbps(att.bytes, att.wall), null, {
      ratio: att.bytes / att.wall / zipRate(zipOther),
      of: "Info-ZIP (other files)",
      goal: GOAL.zip,
    });
    if (copyFull)
      line(`  Data Files zip, 10 CSVs (${mb(data.bytes)})`, data.wall, rps(copyFull.rows, data.wall), null, {
        ratio: copyFull.wall / data.wall,
        of: "COPY (full's tables)",
        goal: GOAL.copy,
      });
    else line(`  Data Files zip, 10 CSVs (${mb(data.bytes)})`, data.wall, "", null);
  }
  if (ours.snapshot && zipCv && zipOther) {
    const s = ours.snapshot;
    const zip = part(s, "snapshot");
    const filesEnd = s.files?.last ?? zip.start!;
    const filesWall = filesEnd - zip.start!;
    const csvWall = zip.end! - filesEnd;
    const fileBytes = facts.cvBytes + facts.otherBytes;
    const zipAll = { bytes: zipCv.bytes + zipOther.bytes, wall: zipCv.wall + zipOther.wall };
    console.log("snapshot: one zip, files/ then the CSVs");
    const sum = zipAll.wall + (copySnap?.wall ?? 0);
    line(
      `  whole export (${mb(zip.bytes)})`,
      s.wall,
      mbps(zip.bytes, s.wall),
      { mb: s.rssMB, goal: true },
      copySnap ? { ratio: sum / s.wall, of: "baselines summed", goal: null } : undefined,
    );
    line(
      `  files/: ${fmt(allKeys.length)} files (${mb(fileBytes)})`,
      filesWall,
      mbps(fileBytes, filesWall),
      null,
      {
        ratio: fileBytes / filesWall / zipRate(zipAll),
        of: "Info-ZIP (all files)",
        goal: GOAL.zip,
      },
    );
    if (copySnap)
      line(`  CSVs: ${SNAPSHOT_FILES.length} files`, csvWall, rps(copySnap.rows, csvWall), null, {
        ratio: copySnap.wall / csvWall,
        of: "COPY (same rows)",
        goal: GOAL.copy,
      });
    else line(`  CSVs: ${SNAPSHOT_FILES.length} files`, csvWall, "", null);
  }
  if (ours.report && excel) {
    const r = ours.report;
    console.log("Candidates report (xlsx)");
    line(
      `  whole export (${fmt(r.rows!)} rows, ${mb(r.artifacts[0]!.bytes)})`,
      r.wall,
      rps(r.rows!, r.wall),
      { mb: r.rssMB, goal: true },
      { ratio: r.rows! / r.wall / (excel.rows! / excel.wall), of: "exceljs", goal: GOAL.sheet },
    );
  }
  console.log(
    "\nWall: our exports timed inside their process after start-up (DB reads included); parts from\n" +
      "their uploads' start and end, snapshot files/ until the last file is read. Baselines: whole\n" +
      "process. Throughput: bytes written (Info-ZIP: its archive) or rows (COPY's count, both sides).\n" +
      `Peak RSS: /usr/bin/time -v of each process; goal ≤ ${GOAL.rssMB} MB for our exports.` +
      (pgUrl ? "" : "\nCOPY baselines: PostgreSQL only (--db postgres)."),
  );
  const peaks = Object.entries(ours).map(
    ([k, r]) => `${k} ${r.peakMB.rss}/${r.peakMB.heapUsed}/${r.peakMB.external}/${r.peakMB.arrayBuffers}`,
  );
  if (peaks.length)
    console.log(`process.memoryUsage() peaks, MB rss/heapUsed/external/arrayBuffers: ${peaks.join(", ")}`);
}
