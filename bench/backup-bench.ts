/**
 * Monthly backup and Candidates report benchmark (PERFORMANCE.md), each figure beside a baseline
 * measured in the same run on the same data:
 *   - backup zip (our export, end to end: DB read, sheet, CVs streamed into the zip, stored)
 *     vs Info-ZIP `zip -0 -q` of the same CV files (throughput of archive bytes written);
 *   - Candidates report (our streaming SpreadsheetML) vs exceljs' streaming WorkbookWriter fed
 *     the very same rows from the same queries (rows/s).
 * Every contender runs in its own child process (`backup-children.mjs`, on the compiled `dist/`)
 * under `/usr/bin/time -v`, so peak RSS is its own.
 * The seeded account is cached per (candidates, files) in `--data` (default: a dir in /tmp).
 *
 *   npm run bench:backup [-- --candidates 100000 --files 20000 --cv-kb 115 --data DIR]
 *
 * A benchmark, never a timed test.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabase } from "../src/db/create-db.js";
import { migrateToLatest } from "../src/db/migrations/index.js";
import { seedAccount } from "../src/seed/seed-account.js";
import { LocalBlobStore } from "../src/storage/local-blob-store.js";

function arg(name: string, def: number | string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : String(def);
}

const candidates = Number(arg("candidates", 100_000));
const files = Number(arg("files", 20_000));
const cvKb = Number(arg("cv-kb", 115));
const dataDir = arg("data", join(tmpdir(), `hirevault-bench-${candidates}-${files}-${cvKb}`));
const sqlitePath = join(dataDir, "hirevault.sqlite");
const blobDir = join(dataDir, "blobs");

function open() {
  return { database: createDatabase({ sqlitePath }), blobs: new LocalBlobStore(blobDir) };
}

async function accountId(db: ReturnType<typeof open>["database"]["db"]): Promise<string> {
  const row = await db
    .selectFrom("accounts")
    .select("id")
    .where("name", "=", "bench")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function prepare(): Promise<void> {
  if (existsSync(join(dataDir, "ready"))) return;
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const { database, blobs } = open();
  await migrateToLatest(database.db, "sqlite");
  console.log(`seeding ${candidates} candidates, ~${files} CVs of ~${cvKb} KB into ${dataDir} …`);
  const t0 = performance.now();
  await seedAccount({
    db: database.db,
    blobs,
    accountName: "bench",
    candidates,
    seed: "bench",
    cvRatio: Math.min(1, files / candidates),
    padBytes: cvKb * 1024,
  });
  console.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  await database.close();
  writeFileSync(join(dataDir, "ready"), "");
}

function timed(cmd: string, args: string[], stdin?: string): { wall: number; rssMB: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-v", cmd, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
    input: stdin,
    stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? 0);
  return { wall, rssMB: kb / 1024, stdout: r.stdout };
}

const children = fileURLToPath(new URL("backup-children.mjs", import.meta.url));
/** Runs one contender (`backup-children.mjs`) in its own process; its last stdout line is JSON. */
const child = (what: string, ...rest: string[]) => {
  const r = timed(process.execPath, [children, what, dataDir, ...rest]);
  return { ...r, json: JSON.parse(r.stdout.trim().split("\n").pop()!) };
};

async function main(): Promise<void> {
  await prepare();
  const { database } = open();
  const id = await accountId(database.db);
  const cvs = await database.db
    .selectFrom("attachments")
    .select("storage_key")
    .where("account_id", "=", id)
    .where("internal_cv", "=", true)
    .execute();
  await database.close();
  const list = cvs.map((r) => join(blobDir, r.storage_key)).join("\n");
  const cvBytes = cvs.reduce((n, r) => n + statSync(join(blobDir, r.storage_key)).size, 0);
  const work = join(dataDir, "out");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  // Warm the page cache so every contender reads the CVs from memory.
  timed("/bin/sh", ["-c", "xargs cat > /dev/null"], list);

  const info = timed("/usr/bin/zip", ["-0", "-q", join(work, "infozip.zip"), "-@"], list);
  const infoBytes = statSync(join(work, "infozip.zip")).size;
  const backup = child("backup");
  const ours = child("ours", join(work, "ours.xlsx"));
  const excel = child("exceljs", join(work, "exceljs.xlsx"));
  const zipTest = spawnSync("/usr/bin/unzip", ["-tq", backup.json.path], { encoding: "utf8" });

  const mbps = (bytes: number, s: number) => bytes / 1e6 / s;
  const fmt = (n: number, d = 0) =>
    n.toLocaleString("en", { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(
    `\n${fmt(candidates)} candidates, ${fmt(cvs.length)} CV files, ${fmt(cvBytes / 1e6)} MB of CVs, ` +
      `${fmt(backup.json.rows)} report rows; node ${process.version}, SQLite\n`,
  );
  const line = (name: string, wall: number, rss: number, rate: string, ratio = "") =>
    console.log(
      `${name.padEnd(40)} ${fmt(wall, 2).padStart(8)} s ${rate.padStart(16)}  peak RSS ${fmt(rss).padStart(4)} MB${ratio}`,
    );
  const infoRate = mbps(infoBytes, info.wall);
  const ourRate = mbps(backup.json.bytes, backup.json.wall);
  line("Info-ZIP zip -0 (the CV files once)", info.wall, info.rssMB, `${fmt(infoRate)} MB/s`);
  line(
    "backup export (xlsx + CV per application)",
    backup.json.wall,
    backup.rssMB,
    `${fmt(ourRate)} MB/s`,
    `  ratio ${fmt(ourRate / infoRate, 2)}× Info-ZIP (goal ≥ 0.90×, ≤ 150 MB)`,
  );
  console.log(
    `  archive ${fmt(backup.json.bytes / 1e6)} MB; unzip -t: ${zipTest.status === 0 ? "OK" : zipTest.stdout}`,
  );
  const exRate = excel.json.rows / excel.json.wall;
  const ourRowRate = ours.json.rows / ours.json.wall;
  line("exceljs WorkbookWriter (same rows)", excel.json.wall, excel.rssMB, `${fmt(exRate)} rows/s`);
  line(
    "Candidates report (ours)",
    ours.json.wall,
    ours.rssMB,
    `${fmt(ourRowRate)} rows/s`,
    `  ratio ${fmt(ourRowRate / exRate, 2)}× exceljs (goal ≥ 3×, ≤ 150 MB)`,
  );
  for (const [name, c] of [
    ["backup", backup],
    ["report", ours],
    ["exceljs", excel],
  ] as const) {
    console.log(`  ${name} peaks (MB): ${JSON.stringify(c.json.peakMB)}`);
  }
  console.log(
    "(times measured inside each child after start-up, database reads included; both sheet writers read\n" +
      " the same rows; children run the compiled dist/ under plain node)",
  );
  rmSync(work, { recursive: true, force: true });
}

await main();
