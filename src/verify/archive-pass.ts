/**
 * What the verifiers of `hirevault verify` share: the checks being collected, progress in bytes,
 * and opening an archive — the reader (`src/archive/zip-reader.ts`) checks its whole structure
 * (central directory, names, sizes, overlaps) when it opens, and a refusal, such as a truncated
 * file, becomes one FAIL naming the archive. Reading entries is entry-reader.ts.
 */
import path from "node:path";
import { displayName } from "../archive/archive-error.js";
import { ArchiveError, type ArchiveLimits, ZipArchive } from "../archive/zip-reader.js";
import { CsvSyntaxError } from "../exports/csv/csv-reader.js";
import { type Checks, count, errorMessage } from "./checks.js";

/** Size and SHA-256 (hex) of a file or of an entry's uncompressed bytes. */
export interface Digest {
  size: number;
  sha256: string;
}

/** Reads an entry's bytes to the end (it must: the CRC-32 is checked once the last byte is read). */
export type Consumer = (source: AsyncIterable<Buffer>) => Promise<void>;

/** Progress in bytes: what is known to be read grows as archives are opened. */
export interface ByteMeter {
  expect(bytes: number): void;
  add(bytes: number): void;
}

/** What the verifiers share: the checks, and progress in bytes read. */
export interface VerifyContext {
  checks: Checks;
  meter: ByteMeter;
  /** Limits of the zip reader (defaults: `DEFAULT_LIMITS`). */
  limits?: Partial<ArchiveLimits> | undefined;
}

/** An archive under verification and its file name (shown through `displayName`). */
export interface OpenedZip {
  archive: ZipArchive;
  name: string;
  file: string;
}

/** A meter reporting (bytes read, bytes to read) on every change. */
export function byteMeter(report: (done: number, total: number) => void): ByteMeter {
  let done = 0;
  let total = 0;
  return {
    expect(bytes: number) {
      total += bytes;
      report(done, total);
    },
    add(bytes: number) {
      done += bytes;
      report(done, total);
    },
  };
}

/**
 * Opens `file` as a zip; a structural problem (a truncated file…) is one FAIL naming it. `name`
 * is how the report calls it (default: its file name).
 */
export async function openZip(
  ctx: VerifyContext,
  file: string,
  name = path.basename(file),
): Promise<OpenedZip | null> {
  let archive: ZipArchive;
  try {
    archive = await ZipArchive.open(file, ctx.limits);
  } catch (err) {
    ctx.checks.fail(displayName(name), archiveProblem(err));
    return null;
  }
  return opened(ctx, archive, file, name);
}

/**
 * An archive opened elsewhere (`hirevault import` verifies the one it then reads), reported as
 * {@link openZip} reports it: its entries' bytes expected by the meter, one line saying it opens.
 */
export function opened(
  ctx: VerifyContext,
  archive: ZipArchive,
  file: string,
  name = path.basename(file),
): OpenedZip {
  let bytes = 0;
  for (const e of archive.entries.values()) bytes += e.uncompressedSize;
  ctx.meter.expect(bytes);
  ctx.checks.pass(
    displayName(name),
    `opens as a zip: ${count(archive.entries.size, "entry", "entries")} in its central directory`,
  );
  return { archive, name, file };
}

/** Why an archive or entry failed, in words (the reader's code and message). */
export function archiveProblem(err: unknown): string {
  if (err instanceof Error && "reason" in err && err.name === "EntryReadError")
    return archiveProblem(err.reason);
  if (err instanceof ArchiveError) {
    // The message starts with the entry's name, which the report already shows as the subject.
    const prefix = err.entry === undefined ? "" : `${displayName(err.entry)}: `;
    const detail = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    return `${detail} (${err.code})`;
  }
  if (err instanceof CsvSyntaxError) return `not RFC 4180 CSV: ${err.message}`;
  return errorMessage(err);
}

/**
 * An entry that could not be read cleanly. `digest` is set when every declared byte arrived
 * before the error (a CRC-32 mismatch is only known at the end): the bytes can still be compared
 * with a row's SHA-256, so a flipped byte is reported by both checks.
 */
export class EntryReadError extends Error {
  override name = "EntryReadError";
  constructor(
    readonly reason: unknown,
    readonly digest: Digest | null,
  ) {
    super(errorMessage(reason));
  }
}
