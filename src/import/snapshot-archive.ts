/**
 * A snapshot zip opened for import: the archive's structure checked by {@link ZipArchive.open}
 * (unsafe names, symlinks, bombs, limits — docs/EXPORTS.md#untrusted-archives), then its envelope:
 * a known format and version, every CSV of the layout present, and no entry that the layout does
 * not explain. All of this happens before the import writes anything.
 */
import { ArchiveError, type ArchiveLimits, ZipArchive } from "../archive/zip-reader.js";
import { meterStream } from "../exports/artifact-meter.js";
import { type CsvRecord, CsvSyntaxError, readCsvRecords } from "../exports/csv/csv-reader.js";
import {
  DATAPACKAGE_FILE,
  FILES_DIR,
  MANIFEST_FILE,
  SNAPSHOT_FILES,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type SnapshotFile,
} from "../exports/formats/snapshot/layout.js";
import type { ManifestFile, ManifestTable } from "../exports/manifest.js";
import { ImportError } from "./import-error.js";

/** Largest `manifest.json` read (its list of missing files can be long). */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

/** What the import needs of `manifest.json`. */
export interface SnapshotManifest {
  format: string;
  format_version: number;
  account: { id: string; name: string; time_zone?: string };
  snapshot_at: string;
  tables: ManifestTable[];
  files: ManifestFile[];
}

/** One file's bytes under `files/`: `files/<segment>/<segment>`. */
const FILE_ENTRY = new RegExp(`^${FILES_DIR}/[^/]+/[^/]+$`);

export class SnapshotArchive {
  private constructor(
    readonly zip: ZipArchive,
    readonly manifest: SnapshotManifest,
  ) {}

  /** Opens and checks `file`; rejects with an {@link ImportError} naming the problem. */
  static async open(file: string, limits?: Partial<ArchiveLimits>): Promise<SnapshotArchive> {
    let zip: ZipArchive;
    try {
      zip = await ZipArchive.open(file, limits);
    } catch (err) {
      if (err instanceof ArchiveError) throw new ImportError(`${file}: ${err.message}`);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "EISDIR" || code === "EACCES")
        throw new ImportError(`${file}: cannot read it (${code})`);
      throw err;
    }
    try {
      const manifest = await readManifest(zip);
      checkEntries(zip);
      return new SnapshotArchive(zip, manifest);
    } catch (err) {
      await zip.close();
      if (err instanceof ArchiveError) throw new ImportError(`${file}: ${err.message}`);
      throw err;
    }
  }

  /** Entries holding attachments' bytes (`files/<id>/<name>`). */
  fileEntries(): string[] {
    return [...this.zip.entries.keys()].filter((n) => FILE_ENTRY.test(n));
  }

  /** Whether the zip holds `name` (an attachment's bytes). */
  has(name: string): boolean {
    return this.zip.entries.has(name);
  }

  /**
   * The records of one CSV, header first. While they are read, the bytes are hashed and the
   * records counted; reaching the end checks both against `manifest.json`, so a CSV that was
   * edited or cut after the export is refused (and the transaction rolled back).
   */
  async *records(file: SnapshotFile): AsyncGenerator<CsvRecord> {
    const listed = this.manifest.files.find((f) => f.path === file.path);
    const table = this.manifest.tables.find((t) => t.file === file.path);
    if (!listed || !table) throw new ImportError(`${file.path} is not listed in ${MANIFEST_FILE}`);
    const stream = await this.zip.openEntry(file.path);
    const meter = meterStream(stream);
    let count = -1; // the header is not a row
    try {
      for await (const record of readCsvRecords(meter.stream)) {
        count++;
        yield record;
      }
    } catch (err) {
      stream.destroy();
      if (err instanceof CsvSyntaxError) throw new ImportError(`${file.path} ${err.message}`);
      if (err instanceof ArchiveError) throw new ImportError(err.message);
      throw err;
    }
    const { sizeBytes, sha256 } = meter.result();
    if (sizeBytes !== listed.size || sha256 !== listed.sha256)
      throw new ImportError(`${file.path}: its bytes differ from ${MANIFEST_FILE} (size or SHA-256)`);
    if (Math.max(count, 0) !== table.rows)
      throw new ImportError(`${file.path}: ${count} rows, ${MANIFEST_FILE} says ${table.rows}`);
  }

  close(): Promise<void> {
    return this.zip.close();
  }
}

async function readManifest(zip: ZipArchive): Promise<SnapshotManifest> {
  if (!zip.entries.has(MANIFEST_FILE))
    throw new ImportError(`${MANIFEST_FILE} is missing: not a Hirevault snapshot`);
  let manifest: SnapshotManifest;
  try {
    manifest = JSON.parse(await zip.readText(MANIFEST_FILE, MAX_MANIFEST_BYTES)) as SnapshotManifest;
  } catch (err) {
    if (err instanceof SyntaxError) throw new ImportError(`${MANIFEST_FILE} is not valid JSON`);
    throw err;
  }
  if (manifest?.format !== SNAPSHOT_FORMAT) {
    throw new ImportError(
      `${MANIFEST_FILE} names format ${JSON.stringify(manifest?.format)}; only snapshots (${SNAPSHOT_FORMAT}) can be imported`,
    );
  }
  if (manifest.format_version !== SNAPSHOT_VERSION) {
    throw new ImportError(
      `snapshot format version ${manifest.format_version} is not the one this Hirevault reads (${SNAPSHOT_VERSION})`,
    );
  }
  if (!Array.isArray(manifest.tables) || !Array.isArray(manifest.files) || !manifest.account?.id)
    throw new ImportError(`${MANIFEST_FILE} lacks tables, files or account`);
  if (Number.isNaN(Date.parse(manifest.snapshot_at)))
    throw new ImportError(`${MANIFEST_FILE}: snapshot_at is not a date-time`);
  return manifest;
}

/** Every layout CSV is there, and every entry is one the layout explains. */
function checkEntries(zip: ZipArchive): void {
  const csvs = new Set(SNAPSHOT_FILES.map((f) => f.path));
  for (const path of csvs)
    if (!zip.entries.has(path)) throw new ImportError(`${path} is missing from the snapshot`);
  for (const [name, entry] of zip.entries) {
    if (entry.isDirectory) continue;
    if (name === MANIFEST_FILE || name === DATAPACKAGE_FILE || csvs.has(name)) continue;
    if (FILE_ENTRY.test(name)) continue;
    throw new ImportError(`unexpected entry ${name}: not part of a snapshot`);
  }
}
