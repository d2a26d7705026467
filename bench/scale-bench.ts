/**
 * `npm run bench -- --scale`: the exports (no baselines) at several account sizes, to show how wall
 * time and peak RSS grow — a streaming export's time should grow at most as the account and its
 * memory stay flat. CV files N/5 up to SCALE_FILES_UP_TO candidates, none above, so the largest
 * sizes can be seeded in reasonable time and space.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { readFacts } from "./account-facts.js";
import { log, prepareBenchAccount } from "./bench-account.js";
import { type ChildResult, copyBaseline, exportOnce, warmFiles } from "./contenders.js";
import { snapshotQueries } from "./copy-queries.js";
import { type ExportKind, GOAL, type Options, SCALE_FILES_UP_TO, scaleFiles } from "./options.js";
import { atMost, fmt, mark, scaleRow } from "./report-lines.js";

export async function benchScale(opts: Options, sizes: number[]): Promise<void> {
  const results: { size: number; files: number; r: Partial<Record<ExportKind, ChildResult>> }[] = [];
  let server = "";
  for (const size of [...sizes].sort((a, b) => a - b)) {
    const files = scaleFiles(size);
    const account = await prepareBenchAccount({ ...opts.spec, candidates: size, files });
    const facts = await readFacts(account);
    server = facts.server;
    const work = mkdtempSync(join(account.dir, "run-"));
    const r: Partial<Record<ExportKind, ChildResult>> = {};
    try {
      log(`${fmt(size)} candidates: warming the page cache …`);
      warmFiles(account, [...facts.cvKeys, ...facts.otherKeys]);
      if (account.databaseUrl) copyBaseline(account.databaseUrl, snapshotQueries(account.accountId), work);
      for (const k of opts.only) r[k] = await exportOnce(k, account, work, opts.repeat);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    results.push({ size, files: facts.cvKeys.length + facts.otherKeys.length, r });
  }
  const first = results[0]!;
  console.log(
    `\nHirevault exports at scale — ${server}, node ${process.version}, ${cpus().length} CPUs` +
      `${opts.repeat > 1 ? `, best of ${opts.repeat}` : ""}; CV files N/5 up to ${fmt(SCALE_FILES_UP_TO)}` +
      ` candidates (~${opts.spec.cvKb} KiB each), none above`,
  );
  console.log(
    `goals: time grows at most as the account (×time ≤ ×size); peak RSS ≤ ${GOAL.rssMB} MB and ` +
      `≤ ${GOAL.flatRss}× that at the smallest size (${fmt(first.size)})\n`,
  );
  scaleRow(["export", "candidates", "files", "wall", "×time", "×size", "", "peak RSS", "", "×RSS/first", ""]);
  for (const k of opts.only) {
    results.forEach(({ size, files, r }, i) => {
      const x = r[k]!;
      const c = [i === 0 ? k : "", fmt(size), fmt(files), `${fmt(x.wall, 2)} s`, "", "", "", "", "", "", ""];
      if (i > 0) {
        const prev = results[i - 1]!;
        const t = x.wall / prev.r[k]!.wall;
        const n = size / prev.size;
        const m = x.rssMB / first.r[k]!.rssMB;
        c[4] = `${fmt(t, 2)}×`;
        c[5] = `${fmt(n, 1)}×`;
        c[6] = ` ${mark(atMost(t, n, 2))}`;
        c[9] = `${fmt(m, 2)}×`;
        c[10] = ` ${mark(atMost(m, GOAL.flatRss, 2))}`;
      }
      c[7] = `${fmt(x.rssMB)} MB`;
      c[8] = ` ${mark(atMost(x.rssMB, GOAL.rssMB))}`;
      scaleRow(c);
    });
  }
  console.log(
    "\n×time, ×size: against the next smaller size; ×RSS/first: against the smallest size. Wall inside\n" +
      `each export's process. Above ${fmt(SCALE_FILES_UP_TO)} candidates there are no CV files, so that\n` +
      "step moves fewer bytes per candidate.",
  );
}
