/**
 * The last links of the full export's chain (docs/EXPORTS.md): `Attachments.csv` names, for each
 * attachment, the zip that holds its file (*Zip File*: `Attachments` or `Internal CVs`), the
 * path in it (*Path in Zip*), its size and SHA-256. Each file of the two file zips is checked
 * against its row, each row with a path must find its file, and each row without one (the file
 * was missing from storage) must be in `manifest.json`'s `missing_files`.
 *
 * Values are read as a spreadsheet user would see them after undoing the formula escaping of the
 * human-facing CSV (docs/EXPORTS.md#names-and-cells: one leading `'` stripped). Memory: one small
 * record per file.
 */
import { unescapeFormula } from "../exports/csv/csv-dialect.js";
import type { Digest, VerifyContext } from "./archive-pass.js";
import { count, inZip } from "./checks.js";
import type { VerifiedManifest } from "./manifest-json.js";

export const ATTACHMENTS_CSV = "Attachments.csv";
const COLUMNS = ["Attachment ID", "Size (bytes)", "SHA-256", "Zip File", "Path in Zip"] as const;

interface Row {
  id: string;
  size: string;
  sha256: string;
}

/** `Attachments.csv`'s rows by zip label and path; then each file zip's entries against them. */
export class AttachmentIndex {
  private readonly byKey = new Map<string, Row>();
  private readonly missing = new Set<string>();
  private cols: number[] | null = null;

  /** Whether `Attachments.csv` had the columns the checks need (or no rows at all). */
  get usable(): boolean {
    return this.cols === null || this.cols.every((i) => i >= 0);
  }

  constructor(
    private readonly ctx: VerifyContext,
    private readonly dataZipName: string,
  ) {}

  /** The record collector for `Attachments.csv`. */
  readonly collect = (fields: string[], header: readonly string[]): void => {
    if (this.cols === null) {
      this.cols = COLUMNS.map((c) => header.indexOf(c));
      const absent = COLUMNS.filter((_, i) => this.cols![i]! < 0);
      if (absent.length)
        this.ctx.checks.fail(inZip(ATTACHMENTS_CSV, this.dataZipName), `no column ${absent.join(", ")}`);
    }
    if (this.cols.some((i) => i < 0)) return;
    const [id, size, sha256, zip, path] = this.cols.map((i) => unescapeFormula(fields[i] ?? ""));
    if (path === "") {
      this.missing.add(id!);
      return;
    }
    const key = `${zip}\u0000${path}`;
    if (this.byKey.has(key))
      this.ctx.checks.fail(inZip(ATTACHMENTS_CSV, this.dataZipName), `two rows name ${path} in ${zip}`);
    else this.byKey.set(key, { id: id!, size: size!, sha256: sha256! });
  };

  /** Checks one entry of the file zip labelled `label` (digest null: damaged, reported already). */
  entry(label: string, zipName: string, name: string, digest: Digest | null): boolean {
    const key = `${label}\u0000${name}`;
    const row = this.byKey.get(key);
    const subject = inZip(name, zipName);
    if (!row) {
      this.ctx.checks.fail(subject, `extra: no row of ${ATTACHMENTS_CSV} names it in ${label}`);
      return false;
    }
    this.byKey.delete(key);
    if (!digest) return false;
    const where = `its row in ${ATTACHMENTS_CSV} (attachment ${row.id})`;
    let ok = true;
    if (row.size !== String(digest.size)) {
      ok = false;
      this.ctx.checks.fail(subject, `${count(digest.size, "byte")}, but ${where} says ${row.size}`);
    }
    if (row.sha256 !== digest.sha256) {
      ok = false;
      this.ctx.checks.fail(subject, `SHA-256 is ${digest.sha256}, but ${where} says ${row.sha256}`);
    }
    return ok;
  }

  /** Rows of the zip labelled `label` whose file was not in it. */
  finishPart(label: string, zipName: string): void {
    const prefix = `${label}\u0000`;
    for (const [key, row] of this.byKey) {
      if (!key.startsWith(prefix)) continue;
      this.ctx.checks.fail(
        inZip(key.slice(prefix.length), zipName),
        `absent, but ${ATTACHMENTS_CSV} names it (attachment ${row.id})`,
      );
      this.byKey.delete(key);
    }
  }

  /** Zip labels of rows not matched by any part (a label no part has). */
  unknownLabels(known: readonly string[]): string[] {
    const labels = new Set<string>();
    for (const key of this.byKey.keys()) {
      const label = key.slice(0, key.indexOf("\u0000"));
      if (!known.includes(label)) labels.add(label);
    }
    return [...labels];
  }

  /** Rows without a path ↔ `missing_files`. */
  checkMissing(manifest: VerifiedManifest): void {
    const subject = inZip("manifest.json", this.dataZipName);
    const listed = new Set(manifest.missing_files.map((m) => m.attachment_id));
    for (const id of listed)
      if (!this.missing.has(id))
        this.ctx.checks.fail(
          subject,
          `missing_files lists attachment ${id}, but its row in ${ATTACHMENTS_CSV} has a path`,
        );
    let unlisted = 0;
    for (const id of this.missing)
      if (!listed.has(id)) {
        unlisted++;
        this.ctx.checks.fail(
          inZip(ATTACHMENTS_CSV, this.dataZipName),
          `attachment ${id} has no Path in Zip, but manifest.json's missing_files does not list it`,
        );
      }
    if (unlisted === 0 && listed.size === this.missing.size)
      this.ctx.checks.pass(
        subject,
        `missing_files lists the ${count(this.missing.size, "file")} without a path in ${ATTACHMENTS_CSV}`,
      );
  }
}
