/**
 * The snapshot's attachment bytes (docs/EXPORTS.md#the-snapshot `files/`,
 * docs/EXPORTS.md#integrity). They are not listed one by one in `manifest.json`: each is checked
 * against its row in `companies/documents.csv` or `files/attachments.csv`, whose `path` names the
 * entry, `size_bytes` its size and `sha256` its SHA-256 — so a flipped byte in a CV is caught
 * twice, by the zip's CRC-32 and by the row's hash, and named. A row whose `path` is empty is a
 * file that could not be read; it must be listed in `missing_files`, and every file listed there
 * must be such a row. `files/` entries that no row names are extra.
 *
 * Memory: one small record per attachment row with a path, and the ids of those without one.
 */
import type { Digest, OpenedZip, VerifyContext } from "./archive-pass.js";
import { count, inZip } from "./checks.js";
import type { VerifiedManifest } from "./manifest-json.js";

interface Row {
  id: string;
  size: string;
  sha256: string;
  /** The CSV that holds the row. */
  csv: string;
}

/** Rows of the attachment CSVs, then the `files/` entries matched against them. */
export class AttachmentRows {
  private readonly byPath = new Map<string, Row>();
  private readonly missing = new Map<string, string>();
  private entries = 0;
  private bytes = 0;
  private matched = 0;

  constructor(
    private readonly ctx: VerifyContext,
    private readonly zip: OpenedZip,
  ) {}

  /** A record collector for one attachment CSV (`csv` is its path in the zip). */
  collector(csv: string): (fields: string[], header: readonly string[]) => void {
    let cols: { id: number; size: number; sha: number; path: number } | null = null;
    return (fields, header) => {
      cols ??= {
        id: header.indexOf("id"),
        size: header.indexOf("size_bytes"),
        sha: header.indexOf("sha256"),
        path: header.indexOf("path"),
      };
      if (cols.id < 0 || cols.path < 0) return; // the header check reports it
      const id = fields[cols.id] ?? "";
      const path = fields[cols.path] ?? "";
      if (path === "") {
        this.missing.set(id, csv);
        return;
      }
      const other = this.byPath.get(path);
      if (other) {
        this.ctx.checks.fail(
          inZip(csv, this.zip.name),
          `attachments ${other.id} and ${id} both name ${path}`,
        );
        return;
      }
      this.byPath.set(path, { id, size: fields[cols.size] ?? "", sha256: fields[cols.sha] ?? "", csv });
    };
  }

  /**
   * Checks one `files/` entry against its row: `digest` is null when its bytes could not all be
   * read, `intact` false when the zip's own checks failed (reported already).
   */
  entry(name: string, size: number, digest: Digest | null, intact: boolean): void {
    this.entries++;
    this.bytes += size;
    const row = this.byPath.get(name);
    const subject = inZip(name, this.zip.name);
    if (!row) {
      this.ctx.checks.fail(
        subject,
        "extra: no row of companies/documents.csv or files/attachments.csv names it",
      );
      return;
    }
    this.byPath.delete(name);
    if (!digest) return; // damaged: already a FAIL
    const where = `its row in ${row.csv} (attachment ${row.id})`;
    let ok = true;
    if (row.size !== String(digest.size)) {
      ok = false;
      this.ctx.checks.fail(
        subject,
        `${count(digest.size, "byte")}, but ${where} says size_bytes ${row.size}`,
      );
    }
    if (row.sha256 !== digest.sha256) {
      ok = false;
      this.ctx.checks.fail(subject, `SHA-256 is ${digest.sha256}, but ${where} says ${row.sha256}`);
    }
    if (ok && intact) this.matched++;
  }

  /** After every entry: rows naming absent entries, the missing-file list, the totals. */
  finish(manifest: VerifiedManifest): void {
    const { checks } = this.ctx;
    for (const [path, row] of this.byPath)
      checks.fail(inZip(path, this.zip.name), `absent, but ${row.csv} names it (attachment ${row.id})`);
    const listed = new Set<string>();
    const subject = inZip("manifest.json", this.zip.name);
    for (const m of manifest.missing_files) {
      if (m.part !== "files") continue;
      listed.add(m.attachment_id);
      if (!this.missing.has(m.attachment_id))
        checks.fail(
          subject,
          `missing_files lists attachment ${m.attachment_id}, but no row of it has an empty path`,
        );
    }
    for (const [id, csv] of this.missing)
      if (!listed.has(id))
        checks.fail(
          inZip(csv, this.zip.name),
          `attachment ${id} has no path, but manifest.json's missing_files does not list it`,
        );
    const declared = manifest.attachment_files;
    if (!declared) checks.fail(subject, "no attachment_files (entries, bytes) to check files/ against");
    else if (declared.entries !== this.entries || declared.bytes !== this.bytes)
      checks.fail(
        subject,
        `attachment_files says ${count(declared.entries, "file")} of ${count(declared.bytes, "byte")}, ` +
          `files/ holds ${count(this.entries, "file")} of ${count(this.bytes, "byte")}`,
      );
    checks.pass(
      inZip("files/", this.zip.name),
      `${count(this.matched, "file")} with the size and SHA-256 of ${this.matched === 1 ? "its" : "their"} row; ` +
        `${count(this.missing.size, "file")} missing from storage at export time, listed in manifest.json`,
    );
  }
}
