/**
 * How the bench prints its figures: number formats, the ok/MISS verdicts, the one-size report's
 * aligned line and the `--scale` table's row. Shared so every figure reads the same way and every
 * verdict is taken on the figure as printed.
 */
import { GOAL } from "./options.js";

export const fmt = (n: number, d = 0) =>
  n.toLocaleString("en", { maximumFractionDigits: d, minimumFractionDigits: d });
export const mb = (bytes: number) => `${fmt(bytes / 1e6, 1)} MB`;
export const mbps = (bytes: number, s: number) => `${fmt(bytes / 1e6 / s, 1)} MB/s`;
export const rps = (rows: number, s: number) => `${fmt(rows / s)} rows/s`;
export const mark = (ok: boolean) => (ok ? "ok" : "MISS");
/** Verdicts on the figures as printed, so a printed 0.90× never misses a 0.90× goal. */
const atLeast = (ratio: number, goal: number) => Number(ratio.toFixed(2)) >= goal;
export const atMost = (value: number, goal: number, digits = 0) => Number(value.toFixed(digits)) <= goal;

const W = { label: 44, wall: 9, rate: 17, rss: 10, cmp: 30 };
/** Column titles above the lines printed by `line`. */
export const HEADER =
  `${"".padEnd(W.label)}${"wall".padStart(W.wall)}${"throughput".padStart(W.rate)}` +
  `${"peak RSS".padStart(W.rss)}       ${"vs baseline".padEnd(W.cmp)}goal`;

/** One figure: label, wall, throughput, peak RSS (with the ≤ 150 MB verdict for our exports). */
export function line(
  label: string,
  wall: number,
  rate: string,
  rss: { mb: number; goal?: boolean } | null,
  cmp?: { ratio: number; of: string; goal: number | null },
): void {
  const rssText = rss ? `${fmt(rss.mb)} MB`.padStart(W.rss) : "".padStart(W.rss);
  const rssMark = rss?.goal ? mark(atMost(rss.mb, GOAL.rssMB)) : "";
  let out =
    `${label.padEnd(W.label)}${`${fmt(wall, 2)} s`.padStart(W.wall)}${rate.padStart(W.rate)}` +
    `${rssText} ${rssMark.padEnd(4)}  `;
  if (cmp) {
    const goal =
      cmp.goal === null ? "(no goal)" : `≥ ${fmt(cmp.goal, 2)}× ${mark(atLeast(cmp.ratio, cmp.goal))}`;
    out += `${`${fmt(cmp.ratio, 2)}× ${cmp.of}`.padEnd(W.cmp)}${goal}`;
  }
  console.log(out.trimEnd());
}

const SCALE_WIDTHS = [10, 11, 9, 10, 9, 8, 6, 10, 5, 12, 5];
/** Left-aligned columns of the `--scale` table: the export's name and the three verdicts. */
const SCALE_LEFT = new Set([0, 6, 8, 10]);

/**
 * One row of the `--scale` table: export, candidates, files, wall, ×time, ×size, verdict,
 * peak RSS, verdict, ×RSS/first, verdict.
 */
export function scaleRow(c: string[]): void {
  const cells = c.map((x, i) =>
    SCALE_LEFT.has(i) ? x.padEnd(SCALE_WIDTHS[i]!) : x.padStart(SCALE_WIDTHS[i]!),
  );
  console.log(cells.join("").trimEnd());
}
