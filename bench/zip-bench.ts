/**
 * Zip writer benchmark (goal, docs/BENCHMARKS.md: ≥ 0.9× Info-ZIP `zip -0` throughput, peak RSS
 * ≤ 150 MB). Generates N incompressible files in a temp dir and times, side by side:
 * `cat` of all files (read limit), Info-ZIP `zip -0 -r -q`, and our ZipWriter (STORE, each file
 * via fs.createReadStream with `size` from stat) in a child process under `/usr/bin/time -v`.
 *
 *   npx tsx bench/zip-bench.ts [--files 2000 --size-kb 100]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { ZipWriter } from "../src/exports/zip/zip-writer.js";

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of (await readdir(root, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const p = join(root, d.name);
    if (d.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}

/** Child mode: zip `root` into `dest` with our writer, print JSON with wall time and maxRSS. */
async function child(root: string, dest: string): Promise<void> {
  const t0 = performance.now();
  const zip = new ZipWriter({ mtime: new Date("2025-07-01T00:00:00Z") });
  const done = pipeline(zip.output, createWriteStream(dest, { highWaterMark: 1024 * 1024 }));
  // Open (stat + createReadStream, which starts reading one chunk) a few files ahead, as an
  // export prefetches its storage objects: hides per-file open/stat latency; memory stays
  // bounded by LOOKAHEAD × one 64 KiB chunk.
  const LOOKAHEAD = 4;
  const files = await listFiles(root);
  const open = (file: string) =>
    stat(file).then(({ size }) => ({ size, stream: createReadStream(file, { highWaterMark: 64 * 1024 }) }));
  const pending = files.slice(0, LOOKAHEAD).map(open);
  for (let i = 0; i < files.length; i++) {
    const { size, stream } = await pending[i]!;
    const next = files[i + LOOKAHEAD];
    if (next !== undefined) pending.push(open(next));
    await zip.addEntry(relative(root, files[i]!), stream, { size });
    pending[i] = undefined as never;
  }
  const summary = await zip.finish();
  await done;
  const wall = (performance.now() - t0) / 1000;
  // maxRSS is in KiB.
  console.log(JSON.stringify({ wall, maxRssKiB: process.resourceUsage().maxRSS, ...summary }));
}

/** Runs `cmd` under /usr/bin/time -v; returns wall seconds (measured here) and max RSS in MB. */
function timed(
  cmd: string,
  args: string[],
  opts: { cwd?: string } = {},
): { wall: number; rssMB: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-v", cmd, ...args], {
    cwd: opts.cwd,
    encoding: "utf8",
    maxBuffer: 1 << 30,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? 0);
  return { wall, rssMB: kb / 1024, stdout: r.stdout };
}

async function main(): Promise<void> {
  if (process.argv[2] === "--child") return child(process.argv[3]!, process.argv[4]!);
  const files = arg("files", 2000);
  const sizeKb = arg("size-kb", 100);
  const root = await mkdtemp(join(tmpdir(), "hv-zip-bench-"));
  try {
    const data = join(root, "data");
    console.log(`generating ${files} × ${sizeKb} KB incompressible files in ${data} …`);
    for (let i = 0; i < files; i++) {
      const d = join(data, `job-${Math.floor(i / 100)}`);
      if (i % 100 === 0) await mkdir(d, { recursive: true });
      await writeFile(join(d, `cv-${i}.pdf`), randomBytes(sizeKb * 1024));
    }
    const all = await listFiles(data);
    const totalMB = (files * sizeKb * 1024) / 1e6;
    execFileSync("sync");

    // Warm the page cache once so every contender reads from memory.
    timed("/bin/sh", ["-c", `cat ${all.map((f) => `'${f}'`).join(" ")} > /dev/null`]);
    const cat = timed("/bin/sh", ["-c", `find . -type f -exec cat {} + > /dev/null`], { cwd: data });
    const infoZipOut = join(root, "infozip.zip");
    const info = timed("/usr/bin/zip", ["-0", "-r", "-q", infoZipOut, "."], { cwd: data });
    const oursOut = join(root, "ours.zip");
    const self = fileURLToPath(import.meta.url);
    const tsx = join(fileURLToPath(new URL("..", import.meta.url)), "node_modules", ".bin", "tsx");
    const ours = timed(tsx, [self, "--child", data, oursOut]);
    const inner = JSON.parse(ours.stdout.trim().split("\n").pop()!) as { wall: number; maxRssKiB: number };
    execFileSync("/usr/bin/unzip", ["-t", "-q", oursOut], { stdio: "ignore" });

    const line = (name: string, wall: number, rss: number, extra = "") =>
      console.log(
        `${name.padEnd(34)} ${wall.toFixed(2).padStart(7)} s ${(totalMB / wall).toFixed(0).padStart(6)} MB/s  maxRSS ${rss.toFixed(0).padStart(4)} MB${extra}`,
      );
    console.log(`\n${files} files, ${totalMB.toFixed(0)} MB, node ${process.version}`);
    line("cat (read limit)", cat.wall, cat.rssMB);
    line("Info-ZIP zip -0 -r -q", info.wall, info.rssMB);
    line(
      "ZipWriter (process, incl. startup)",
      ours.wall,
      ours.rssMB,
      `  ratio vs Info-ZIP ${(info.wall / ours.wall).toFixed(2)}×`,
    );
    line(
      "ZipWriter (in-process timing)",
      inner.wall,
      inner.maxRssKiB / 1024,
      `  ratio vs Info-ZIP ${(info.wall / inner.wall).toFixed(2)}×`,
    );
    console.log(
      `archive sizes: Info-ZIP ${(await stat(infoZipOut)).size} B, ours ${(await stat(oursOut)).size} B (unzip -t OK)`,
    );
    console.log("goal: ratio ≥ 0.90×, peak RSS ≤ 150 MB");
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
