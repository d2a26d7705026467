/**
 * What `npm run bench` is asked to do: its command line (see the comment at the top of
 * `bench/run.ts`), with the defaults, and the goals (docs/BENCHMARKS.md) the figures are judged against —
 * in one place so the usage, the defaults and the verdicts cannot drift apart.
 */
import { tmpdir } from "node:os";
import { parseArgs } from "node:util";
import { type BenchAccountSpec, DEFAULT_CV_KB } from "./bench-account.js";

export const EXPORTS = ["backup", "full", "snapshot", "report"] as const;
export type ExportKind = (typeof EXPORTS)[number];

/** Goals (docs/BENCHMARKS.md, "Goals"): throughput ratios to the baselines, peak RSS, RSS growth under `--scale`. */
export const GOAL = { zip: 0.9, sheet: 3, copy: 0.7, rssMB: 150, flatRss: 1.3 };
const DEFAULT_SCALE = [10_000, 100_000, 1_000_000];
/** `--scale`: CV files per candidate up to this size, none above. */
export const SCALE_FILES_UP_TO = 100_000;
/** CV files of a `--scale` size: N/5 up to SCALE_FILES_UP_TO candidates, none above. */
export const scaleFiles = (size: number): number => (size <= SCALE_FILES_UP_TO ? Math.floor(size / 5) : 0);

export interface Options {
  spec: BenchAccountSpec;
  only: ExportKind[];
  repeat: number;
  scale: number[] | null;
  clearCache: boolean;
  /** `--prepare`: seed (or reuse) the account(s) and stop, measuring nothing. */
  prepare: boolean;
}

function usage(msg: string): never {
  console.error(`bench: ${msg}\n(see the comment at the top of bench/run.ts)`);
  process.exit(2);
}

/** The options of `argv` (without node and the script); exits with status 2 on a bad one. */
export function parseOptions(argv: string[]): Options {
  // `--scale` takes an optional list: give it the default when none follows.
  const args = [...argv];
  const s = args.indexOf("--scale");
  if (s >= 0 && (args[s + 1] === undefined || args[s + 1]!.startsWith("--")))
    args.splice(s + 1, 0, DEFAULT_SCALE.join(","));
  const parse = () =>
    parseArgs({
      args,
      strict: true,
      options: {
        candidates: { type: "string", default: "100000" },
        files: { type: "string" },
        "cv-kb": { type: "string", default: String(DEFAULT_CV_KB) },
        data: { type: "string", default: tmpdir() },
        pg: {
          type: "string",
          default: process.env.HIREVAULT_BENCH_PG ?? "postgres://postgres@127.0.0.1:5432",
        },
        db: { type: "string", default: "postgres" },
        only: { type: "string", default: EXPORTS.join(",") },
        repeat: { type: "string", default: "1" },
        scale: { type: "string" },
        "clear-cache": { type: "boolean", default: false },
        prepare: { type: "boolean", default: false },
      },
    });
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse().values;
  } catch (err) {
    usage((err as Error).message);
  }
  const int = (name: string, v: string, min: number) => {
    const n = Number(v.replace(/_/g, ""));
    if (!Number.isSafeInteger(n) || n < min) usage(`--${name} must be a whole number ≥ ${min}`);
    return n;
  };
  const candidates = int("candidates", values.candidates, 1);
  const files = values.files === undefined ? Math.floor(candidates / 5) : int("files", values.files, 0);
  if (files > candidates) usage("--files must not exceed --candidates (one CV per candidate at most)");
  if (values.db !== "postgres" && values.db !== "sqlite") usage("--db must be postgres or sqlite");
  const only = values.only.split(",").map((x) => x.trim()) as ExportKind[];
  for (const o of only) if (!EXPORTS.includes(o)) usage(`--only takes ${EXPORTS.join(",")}`);
  return {
    spec: {
      candidates,
      files,
      cvKb: int("cv-kb", values["cv-kb"], 0),
      dialect: values.db,
      pgBase: values.pg.replace(/\/+$/, ""),
      dataRoot: values.data,
    },
    only: EXPORTS.filter((e) => only.includes(e)),
    repeat: int("repeat", values.repeat, 1),
    scale: values.scale === undefined ? null : values.scale.split(",").map((x) => int("scale", x, 1)),
    clearCache: values["clear-cache"],
    prepare: values.prepare,
  };
}
