/**
 * What `hirevault verify` found (docs/EXPORTS.md#integrity, docs/EXPORTS.md#verifying-an-export): a
 * list of checks, each holding or not, each naming its subject (a file, an entry of a zip) and
 * saying what was expected and what was found. The export is intact only when no check failed.
 *
 * Checks that hold are summarised (one line per file or per archive, never one per CV), so a
 * million-file export gives a readable report; failures are listed one by one up to
 * {@link MAX_LISTED_FAILURES} — a badly damaged archive could otherwise fill memory with lines —
 * and counted beyond that.
 */
import { displayName } from "../archive/archive-error.js";

/** The three exports of docs/EXPORTS.md#the-three-exports. */
export type ExportKind = "backup" | "full" | "snapshot";

/** Human names of the kinds, for the summary line. */
export const KIND_LABEL: Record<ExportKind, string> = {
  backup: "monthly backup",
  full: "full data export",
  snapshot: "snapshot",
};

/** One check: its subject (a file or `<entry> in <zip>`) and what was checked or found. */
export interface Check {
  ok: boolean;
  subject: string;
  message: string;
}

/** The outcome of verifying one export. */
export interface VerifyReport {
  /** The path given to verify. */
  file: string;
  /** What it was recognised as (null: an archive too damaged to tell). */
  kind: ExportKind | null;
  ok: boolean;
  /** Failed checks, listed or not. */
  problems: number;
  checks: Check[];
  /** What verify did not (or could not) check, and why. */
  notes: string[];
  /** Failed checks not listed in `checks` (past {@link MAX_LISTED_FAILURES}). */
  unlisted: number;
}

/** Failures listed one by one; past this they are only counted. */
export const MAX_LISTED_FAILURES = 1000;

/** Collects checks while the verifiers run. */
export class Checks {
  readonly list: Check[] = [];
  readonly notes: string[] = [];
  problems = 0;
  unlisted = 0;
  kind: ExportKind | null = null;

  pass(subject: string, message: string): void {
    this.list.push({ ok: true, subject: printable(subject), message: printable(message) });
  }

  fail(subject: string, message: string): void {
    this.problems++;
    if (this.problems > MAX_LISTED_FAILURES) this.unlisted++;
    else this.list.push({ ok: false, subject: printable(subject), message: printable(message) });
  }

  /** `pass` when `holds`, else `fail` with `why`. */
  expect(holds: boolean, subject: string, passMessage: string, why: string): boolean {
    if (holds) this.pass(subject, passMessage);
    else this.fail(subject, why);
    return holds;
  }

  note(text: string): void {
    this.notes.push(printable(text));
  }

  report(file: string): VerifyReport {
    return {
      file,
      kind: this.kind,
      ok: this.problems === 0,
      problems: this.problems,
      checks: this.list,
      notes: this.notes,
      unlisted: this.unlisted,
    };
  }
}

/**
 * `<entry> in <zip>`: how a report names a file inside an archive; a name with control or bidi
 * characters is shown JSON-quoted so it cannot spoof the line (docs/EXPORTS.md#zip-entry-names).
 */
export function inZip(entry: string, zipName: string): string {
  return `${displayName(entry)} in ${displayName(zipName)}`;
}

/** Control and bidi characters (as archive-error.ts's `displayName` treats them). */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text with control and bidi characters written as `\uXXXX`: values from the export (a cell, a
 * path in a CSV, a manifest field) reach the terminal, and must not spoof or break its lines.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A number with thousands separators (`1,234`) and its unit, singular or plural. */
export function count(n: number, unit?: string, plural = `${unit}s`): string {
  const text = n.toLocaleString("en");
  return unit === undefined ? text : `${text} ${n === 1 ? unit : plural}`;
}

/** The message of anything thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
