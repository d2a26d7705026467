/**
 * Helpers of the verify tests: real exports made by the project's own formats on a small seeded
 * SQLite account, copied under their real file names into a fresh directory per test, and ways
 * to damage them (tamper.py: flipped byte, dropped CSV record re-zipped with valid CRCs, dropped
 * or added entry; truncation).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { ExportFormat } from "../../src/exports/export-format.js";
import type { Check, VerifyReport } from "../../src/verify/checks.js";
import { type Fixture, latestCvs, runFormat, seedFixture } from "../exports/formats/helpers.js";

const run = promisify(execFile);
const TAMPER = path.join(import.meta.dirname, "tamper.py");

/**
 * A small seeded SQLite account ("Acme Corp", 12 candidates) one of whose CVs is gone from
 * storage, so each export lists a missing file (docs/EXPORTS.md#integrity) and verify must accept
 * that.
 */
export async function seedWithMissingCv(): Promise<Fixture> {
  const fx = await seedFixture("sqlite", 12);
  const cvs = [...(await latestCvs(fx.database.db, fx.accountId)).values()].sort((a, b) =>
    a.id < b.id ? -1 : 1,
  );
  await fx.services.blobs.delete(cvs[0]!.storage_key);
  return fx;
}

/** An export's files by part (`backup`, `snapshot`, `data`, `attachments`, `cvs`, `master`). */
export type ExportFiles = Record<string, string>;

/** Temp directories made by {@link makeExport}, removed by {@link removeExports}. */
const dirs: string[] = [];

/** Runs `format` once; returns a function that copies its files into a new directory. */
export async function makeExport(fx: Fixture, format: ExportFormat): Promise<() => ExportFiles> {
  const made = await runFormat(fx, format);
  dirs.push(made.dir);
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hv-verify-test-"));
    dirs.push(dir);
    const files: ExportFiles = {};
    for (const a of made.artifacts) {
      files[a.part] = path.join(dir, a.fileName);
      fs.copyFileSync(a.path, files[a.part]!);
    }
    return files;
  };
}

/** Runs tamper.py (see its docstring). */
export async function tamper(
  action: "flip" | "drop-row" | "drop-entry" | "add-entry",
  zip: string,
  entry: string,
): Promise<Record<string, unknown>> {
  const { stdout } = await run("python3", [TAMPER, action, zip, entry]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** Cuts `file` to `fraction` of its size. */
export function truncate(file: string, fraction = 0.6): void {
  fs.truncateSync(file, Math.floor(fs.statSync(file).size * fraction));
}

/** Entry names of a zip, with Python's zipfile. */
export async function zipNames(zip: string): Promise<string[]> {
  const { stdout } = await run("python3", [
    "-c",
    "import json,sys,zipfile; print(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist()))",
    zip,
  ]);
  return JSON.parse(stdout) as string[];
}

/** The failed checks of a report, as `subject: message` lines (readable in assertion diffs). */
export function failures(report: VerifyReport): string[] {
  return report.checks.filter((c: Check) => !c.ok).map((c) => `${c.subject}: ${c.message}`);
}

/** Removes every directory {@link makeExport} made (call in afterAll). */
export function removeExports(): void {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
