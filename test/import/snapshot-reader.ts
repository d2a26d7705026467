/**
 * Reads a snapshot zip back for the import tests: every CSV as rows of values (null for NULL,
 * kept apart from ""), and the SHA-256 of every entry — through the project's own safe zip
 * reader, which also checks each entry's CRC-32.
 */
import crypto from "node:crypto";
import { ZipArchive } from "../../src/archive/zip-reader.js";
import { readCsvRecords } from "../../src/exports/csv/csv-reader.js";

export interface SnapshotCsv {
  header: string[];
  rows: (string | null)[][];
}

export interface ReadSnapshot {
  csvs: Map<string, SnapshotCsv>;
  hashes: Map<string, string>;
  manifest: {
    account: { id: string; name: string; time_zone?: string };
    tables: { file: string; rows: number }[];
    missing_files: { attachment_id: string }[];
  };
}

export async function readSnapshot(file: string): Promise<ReadSnapshot> {
  const zip = await ZipArchive.open(file);
  try {
    const csvs = new Map<string, SnapshotCsv>();
    const hashes = new Map<string, string>();
    for (const name of zip.entries.keys()) {
      const hash = crypto.createHash("sha256");
      const stream = await zip.openEntry(name);
      if (name.endsWith(".csv")) {
        async function* tee() {
          for await (const chunk of stream) {
            hash.update(chunk as Buffer);
            yield chunk as Buffer;
          }
        }
        const rows: (string | null)[][] = [];
        let header: string[] | undefined;
        for await (const r of readCsvRecords(tee())) {
          if (!header) header = r.fields;
          else rows.push(r.fields.map((f, i) => (f === "" && !r.quoted[i] ? null : f)));
        }
        csvs.set(name, { header: header ?? [], rows });
      } else {
        for await (const chunk of stream) hash.update(chunk as Buffer);
      }
      hashes.set(name, hash.digest("hex"));
    }
    const manifest = JSON.parse(await zip.readText("manifest.json", 64 << 20));
    return { csvs, hashes, manifest };
  } finally {
    await zip.close();
  }
}
