/**
 * Candidates-sheet benchmark (against exceljs; goal in docs/BENCHMARKS.md): N rows × 30 mixed
 * columns written to a file by our streaming XlsxWriter and, when installed, by exceljs'
 * streaming WorkbookWriter. Each writer runs in its own child process so peak RSS
 * (`process.resourceUsage().maxRSS`) is not mixed between them.
 *
 *   npx tsx bench/xlsx-bench.ts [--rows 200000]
 *
 * Goal: ≥ 3× exceljs rows/s, peak RSS ≤ 150 MB. A benchmark, never a timed test.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import type { CellValue } from "../src/exports/xlsx/cell-value.js";
import { writeXlsx } from "../src/exports/xlsx/write-xlsx.js";

const COLS = 30;
const HEADERS = Array.from({ length: COLS }, (_, i) => `Column ${i + 1}`);
const WORDS = [
  "Anna",
  "Ben",
  "Chloé",
  "Dmitri",
  "Eve",
  "Farah",
  "Gustavo",
  "Hana",
  "Ivan",
  "Jürgen",
  "Kofi",
  "Lena",
];

/** Deterministic rows: ids, names, emails, phones, statuses, notes, numbers and dates. */
function* rows(n: number): Generator<CellValue[]> {
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return seed;
  };
  const base = Date.UTC(2020, 0, 1);
  for (let r = 0; r < n; r++) {
    const row: CellValue[] = new Array(COLS);
    for (let c = 0; c < COLS; c++) {
      const x = rnd();
      switch (c % 6) {
        case 0:
          row[c] = r * COLS + c;
          break;
        case 1:
          row[c] = `${WORDS[x % WORDS.length]} ${WORDS[(x >> 4) % WORDS.length]}`;
          break;
        case 2:
          row[c] = `${WORDS[x % WORDS.length]!.toLowerCase()}.${x % 9973}@example.com`;
          break;
        case 3:
          row[c] = new Date(base + (x % 157_680_000) * 1000);
          break;
        case 4:
          row[c] = (x % 1_000_000) / 100;
          break;
        default:
          row[c] = x % 7 === 0 ? `+44 20 ${x % 10_000} ${(x >> 3) % 10_000}` : `Stage ${x % 12} note ${x}`;
      }
    }
    yield row;
  }
}

async function runOurs(n: number, file: string): Promise<void> {
  async function* src() {
    yield* rows(n);
  }
  const columns = HEADERS.map((header) => ({ header, width: 18 }));
  await pipeline(writeXlsx(src(), { sheetName: "Candidates", columns }), createWriteStream(file));
}

async function runExceljs(n: number, file: string): Promise<void> {
  const name = "exceljs"; // a variable, so tsc does not require the (absent) module
  // biome-ignore lint/suspicious/noExplicitAny: optional dependency without types here
  const mod: any = await import(name);
  const ExcelJS = mod.default ?? mod;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useSharedStrings: false,
    useStyles: true,
  });
  const ws = wb.addWorksheet("Candidates");
  ws.columns = HEADERS.map((header, i) => ({ header, key: `c${i}`, width: 18 }));
  for (const row of rows(n)) ws.addRow(row).commit();
  ws.commit();
  await wb.commit();
}

async function child(kind: string, n: number, file: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  if (kind === "ours") await runOurs(n, file);
  else await runExceljs(n, file);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const maxRssMB = process.resourceUsage().maxRSS / 1024; // maxRSS is in KB
  process.stdout.write(`${JSON.stringify({ seconds, maxRssMB, bytes: statSync(file).size })}\n`);
}

interface Result {
  seconds: number;
  maxRssMB: number;
  bytes: number;
}

function spawnChild(kind: string, n: number, file: string): Result {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(
    process.execPath,
    [...process.execArgv, self, "--child", kind, "--rows", String(n), "--out", file],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  if (r.status !== 0) throw new Error(`${kind} benchmark failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Result;
}

function line(label: string, n: number, r: Result): string {
  const rps = Math.round(n / r.seconds);
  return `${label}: ${n} rows × ${COLS} cols in ${r.seconds.toFixed(2)} s = ${rps.toLocaleString("en")} rows/s, peak RSS ${r.maxRssMB.toFixed(0)} MB, file ${(r.bytes / 1e6).toFixed(1)} MB`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (k: string) => {
    const i = args.indexOf(k);
    return i === -1 ? undefined : args[i + 1];
  };
  const n = Number(opt("--rows") ?? 200_000);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error("--rows must be a positive integer");
  const kind = opt("--child");
  if (kind) return child(kind, n, opt("--out")!);

  const dir = mkdtempSync(join(tmpdir(), "xlsx-bench-"));
  try {
    const ours = spawnChild("ours", n, join(dir, "ours.xlsx"));
    execFileSync("unzip", ["-t", "-qq", join(dir, "ours.xlsx")]);
    console.log(line("hirevault XlsxWriter", n, ours));
    let hasExceljs = true;
    try {
      await import("exceljs" as string);
    } catch {
      hasExceljs = false;
    }
    if (!hasExceljs) {
      console.log("baseline exceljs: not installed (npm i -D exceljs@4.4.0 to compare)");
      return;
    }
    const base = spawnChild("exceljs", n, join(dir, "exceljs.xlsx"));
    console.log(line("baseline exceljs WorkbookWriter", n, base));
    const ratio = base.seconds / ours.seconds;
    console.log(`ratio rows/s ours/exceljs: ${ratio.toFixed(2)}× (goal ≥ 3×); peak RSS goal ≤ 150 MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
