/**
 * `manifest.json`: the integrity envelope of an export (docs/EXPORTS.md#integrity; Ghost's
 * `meta.version`): format name and version, app version, account, snapshot time, row count per
 * table, size and SHA-256 per file, and every file that could not be read with the reason.
 * `hirevault verify` re-checks an export against it. Written as a stream: the list of missing files
 * can be long.
 */
import { Readable } from "node:stream";

/** One table (CSV) of the export and its row count. */
export interface ManifestTable {
  file: string;
  rows: number;
  /** The database table whose rows it holds one to one, if any (counts are comparable). */
  rows_of: string | null;
}

/** A file inside the zip that carries the manifest. */
export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
}

/** Another file of the same export (full export: the two file zips). */
export interface ManifestPart {
  part: string;
  label: string;
  file_name: string;
  size: number;
  sha256: string;
  /** Files it holds. */
  entries: number;
}

/** A file left out, and why. */
export interface ManifestMissing {
  part: string;
  attachment_id: string;
  path: string;
  reason: string;
}

/** The account an export belongs to. */
export interface ManifestAccount {
  id: string;
  name: string;
  /** IANA time zone (snapshot: an import restores it; timestamps in the files stay UTC). */
  time_zone?: string;
}

/**
 * Files carried in the same zip but not listed one by one in `files` (snapshot: the attachments'
 * bytes under `files/`, each checked against its row's `size_bytes` and `sha256` instead).
 */
export interface ManifestAttachmentFiles {
  entries: number;
  bytes: number;
}

/** Everything but the missing-file list (written as built: build it in a fixed key order). */
export interface ManifestHeader {
  format: string;
  format_version: number;
  app_version: string;
  account: ManifestAccount;
  snapshot_at: string;
  tables: ManifestTable[];
  files: ManifestFile[];
  parts?: ManifestPart[];
  attachment_files?: ManifestAttachmentFiles;
  missing_files_count: number;
}

/** The manifest as a stream: the header, then `missing_files` one entry at a time. */
export function manifestStream(header: ManifestHeader, missing: AsyncIterable<ManifestMissing>): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    const head = JSON.stringify(header, null, 2);
    yield Buffer.from(`${head.slice(0, head.lastIndexOf("}")).trimEnd()},\n  "missing_files": [`);
    let first = true;
    let text = "";
    for await (const m of missing) {
      text += `${first ? "" : ","}\n    ${JSON.stringify(m)}`;
      first = false;
      if (text.length >= 64 * 1024) {
        yield Buffer.from(text);
        text = "";
      }
    }
    yield Buffer.from(`${text}${first ? "" : "\n  "}]\n}\n`);
  }
  return Readable.from(chunks(), { objectMode: false });
}
