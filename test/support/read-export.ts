import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const SCRIPT = path.join(import.meta.dirname, "read-export.py");

/** One zip entry as Python's zipfile read it. */
export interface ReadEntry {
  name: string;
  size: number;
  sha256: string;
  flag_bits: number;
}

/** A CSV entry parsed by Python's csv module (RFC 4180); `rows[0]` is the header. */
export interface ReadCsv {
  bom: boolean;
  crlf_only: boolean;
  rows: string[][];
}

/** What {@link readExport} found: `testzip` is the first corrupt entry (null: all CRCs hold). */
export interface ReadExport {
  testzip: string | null;
  entries: ReadEntry[];
  csv: Record<string, ReadCsv>;
}

/** Opens an export zip with Python's zipfile and parses the named CSV entries with its csv module. */
export async function readExport(zipPath: string, csvEntries: string[] = []): Promise<ReadExport> {
  const { stdout } = await run("python3", [SCRIPT, zipPath, ...csvEntries], { maxBuffer: 512 * 1024 * 1024 });
  return JSON.parse(stdout) as ReadExport;
}

/** A parsed CSV as objects keyed by header text. */
export function records(csv: ReadCsv): Record<string, string>[] {
  const [header, ...rows] = csv.rows;
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ""])));
}

/** Parses a CSV file with Python's csv module. */
export async function readCsvFile(file: string): Promise<ReadCsv> {
  const { stdout } = await run("python3", [SCRIPT, "--csv", file], { maxBuffer: 512 * 1024 * 1024 });
  return JSON.parse(stdout) as ReadCsv;
}

/** A machine-facing CSV (snapshot): null is an empty unquoted field, "" a quoted empty one. */
export interface MachineCsv {
  bom: boolean;
  crlf_only: boolean;
  /** Header first; `null` = NULL (empty unquoted field). */
  rows: (string | null)[][];
  /** Python's csv module read the same rows (with NULL as ""). */
  csv_module_agrees: boolean;
}

/** What {@link readMachineExport} found: every CSV parsed, every JSON entry parsed. */
export interface MachineExport {
  testzip: string | null;
  entries: (ReadEntry & { compress_type: number })[];
  csv: Record<string, MachineCsv>;
  json: Record<string, unknown>;
}

/**
 * Opens a snapshot with Python's zipfile; parses every `*.csv` entry with a strict RFC 4180 reader
 * that keeps NULL (empty unquoted) apart from "" (quoted empty), cross-checked against Python's
 * csv module, and every `*.json` entry with Python's json.
 */
export async function readMachineExport(zipPath: string): Promise<MachineExport> {
  const { stdout } = await run("python3", [SCRIPT, "--machine", zipPath], { maxBuffer: 1024 * 1024 * 1024 });
  return JSON.parse(stdout) as MachineExport;
}

/** A machine CSV as objects keyed by header (NULL stays null). */
export function machineRecords(csv: MachineCsv): Record<string, string | null>[] {
  const [header, ...rows] = csv.rows;
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h as string, r[i] ?? null])));
}
