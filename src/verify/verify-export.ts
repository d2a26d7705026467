/**
 * `hirevault verify FILE` (docs/EXPORTS.md#integrity, docs/EXPORTS.md#verifying-an-export):
 * re-checks any export Hirevault made — structure, CRCs, hashes, counts — and reports every check
 * (checks.ts). What FILE is, is told from its content, not its name:
 * - a directory (holding one master CSV), a `.csv`, or a file starting with the master CSV's
 *   header → the full export from its master CSV, with the parts beside it (verify-master.ts);
 * - a zip whose `manifest.json` says `hirevault.full-export` → the Data Files zip, with the part
 *   zips the manifest names when they are beside it (verify-full.ts);
 * - a zip whose manifest says `hirevault.snapshot` → the snapshot (verify-snapshot.ts);
 * - a zip holding `Candidates.xlsx` → the monthly backup (verify-backup.ts).
 * A zip too damaged to open is one FAIL naming it (the report's kind is then null); anything
 * else is not an export, which is a {@link VerifyInputError}, as is a path that does not exist.
 */
import fs from "node:fs";
import path from "node:path";
import type { ArchiveLimits, ZipArchive } from "../archive/zip-reader.js";
import { BACKUP_SHEET_FILE } from "../exports/formats/backup/index.js";
import { FULL_EXPORT_FORMAT } from "../exports/formats/full/data-files.js";
import { MASTER_HEADER } from "../exports/formats/full/master-csv.js";
import { SNAPSHOT_FORMAT } from "../exports/formats/snapshot/layout.js";
import { byteMeter, opened, openZip, type VerifyContext } from "./archive-pass.js";
import { Checks, type VerifyReport } from "./checks.js";
import { FileDigests } from "./file-digests.js";
import { manifestFormat } from "./manifest-json.js";
import { verifyBackup } from "./verify-backup.js";
import { verifyDataFiles } from "./verify-full.js";
import { verifyMaster } from "./verify-master.js";
import { verifySnapshot } from "./verify-snapshot.js";

/** FILE cannot be verified at all: it does not exist, or it is not a Hirevault export. */
export class VerifyInputError extends Error {
  override name = "VerifyInputError";
}

export interface VerifyOptions {
  /** Bytes read so far and bytes known to read (the total grows as files are opened). */
  onProgress?(done: number, total: number): void;
  /** Limits of the zip reader, for exports beyond its defaults (e.g. more than 500,000 files). */
  limits?: Partial<ArchiveLimits>;
}

/** Verifies the export at `file`; rejects only with a {@link VerifyInputError} (or an I/O error). */
export async function verifyExport(file: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const checks = new Checks();
  const ctx: VerifyContext = { checks, meter: byteMeter(opts.onProgress ?? (() => {})), limits: opts.limits };
  const digests = new FileDigests(ctx.meter);
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new VerifyInputError(
      `${file}: ${code === "ENOENT" ? "no such file or directory" : `cannot be read (${code})`}`,
    );
  }
  if (stat.isDirectory() || file.toLowerCase().endsWith(".csv") || (await isMasterCsv(file))) {
    checks.kind = "full";
    await verifyMaster(ctx, stat.isDirectory() ? await findMaster(file) : file, digests);
    return checks.report(file);
  }
  if (!(await looksLikeZip(file)))
    throw new VerifyInputError(
      `${file} is not a Hirevault export: neither a zip archive nor a full export's master CSV`,
    );
  const zip = await openZip(ctx, file);
  if (!zip) return checks.report(file);
  try {
    const format = await manifestFormat(zip);
    if (format === FULL_EXPORT_FORMAT) {
      checks.kind = "full";
      await verifyDataFiles(ctx, zip, { partsRequired: false, digests });
    } else if (format === SNAPSHOT_FORMAT) {
      checks.kind = "snapshot";
      await verifySnapshot(ctx, zip);
    } else if (zip.archive.entries.has(BACKUP_SHEET_FILE)) {
      checks.kind = "backup";
      await verifyBackup(ctx, zip);
    } else {
      const why = format
        ? `its manifest.json names the format "${format}"`
        : "no manifest.json, no Candidates.xlsx";
      throw new VerifyInputError(`${file} is not a Hirevault export (${why})`);
    }
  } finally {
    await zip.archive.close();
  }
  return checks.report(file);
}

/**
 * Verifies a snapshot zip the caller has already opened — `hirevault import` runs this on the
 * archive it is about to read, before it writes anything — with the checks, and in the words,
 * of {@link verifyExport} on that file. The archive stays open.
 */
export async function verifyOpenedSnapshot(
  archive: ZipArchive,
  file: string,
  opts: Pick<VerifyOptions, "onProgress"> = {},
): Promise<VerifyReport> {
  const checks = new Checks();
  checks.kind = "snapshot";
  const ctx: VerifyContext = { checks, meter: byteMeter(opts.onProgress ?? (() => {})) };
  await verifySnapshot(ctx, opened(ctx, archive, file));
  return checks.report(file);
}

/** A zip by its signature (local header or empty archive), or by its name when it is cut short. */
async function looksLikeZip(file: string): Promise<boolean> {
  if (file.toLowerCase().endsWith(".zip")) return true;
  const head = await firstBytes(file, 4);
  return head.equals(Buffer.from("PK\x03\x04", "latin1")) || head.equals(Buffer.from("PK\x05\x06", "latin1"));
}

/** Whether `file` starts with the master CSV's header (after its BOM). */
async function isMasterCsv(file: string): Promise<boolean> {
  const text = (await firstBytes(file, 512)).toString("utf8").replace(/^\uFEFF/, "");
  return text.startsWith(`${MASTER_HEADER.join(",")}\r\n`);
}

async function firstBytes(file: string, n: number): Promise<Buffer> {
  const handle = await fs.promises.open(file, "r");
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The one master CSV in `dir`. */
async function findMaster(dir: string): Promise<string> {
  const found: string[] = [];
  for (const name of (await fs.promises.readdir(dir)).sort()) {
    const file = path.join(dir, name);
    if (
      name.toLowerCase().endsWith(".csv") &&
      (await fs.promises.stat(file)).isFile() &&
      (await isMasterCsv(file))
    )
      found.push(file);
  }
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw new VerifyInputError(`${dir} holds no full export: no master CSV in it`);
  throw new VerifyInputError(
    `${dir} holds ${found.length} master CSVs (${found.map((f) => path.basename(f)).join(", ")}): name the one to verify`,
  );
}
