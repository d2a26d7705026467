/**
 * Reading entries for `hirevault verify` (docs/EXPORTS.md#verifying-an-export, restic's `check
 * --read-data`): every entry is read to its end, so the reader compares its CRC-32 and size with
 * its headers; the bytes are hashed (SHA-256) on the way and handed to a consumer (a CSV or sheet
 * parser) when the entry needs one. Nothing is held: each chunk is hashed, parsed and dropped. A
 * damaged entry becomes one FAIL naming it; the other entries are still read.
 */
import { createHash } from "node:crypto";
import { displayName } from "../archive/archive-error.js";
import type { ZipEntryInfo } from "../archive/zip-reader.js";
import {
  archiveProblem,
  type Consumer,
  type Digest,
  EntryReadError,
  type OpenedZip,
  type VerifyContext,
} from "./archive-pass.js";
import { count, inZip } from "./checks.js";

/** SHA-256 and size of one entry, its bytes passed through `consume` if given. */
export async function digestEntry(
  zip: OpenedZip,
  name: string,
  consume?: Consumer,
  onBytes: (n: number) => void = () => {},
): Promise<Digest> {
  const stream = await zip.archive.openEntry(name);
  const hash = createHash("sha256");
  let size = 0;
  const take = (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
    onBytes(chunk.length);
  };
  let ended = false;
  try {
    if (consume) {
      await consume(
        (async function* () {
          for await (const chunk of stream as AsyncIterable<Buffer>) {
            take(chunk);
            yield chunk;
          }
          ended = true;
        })(),
      );
    } else {
      // Hashing only: in flowing mode every chunk is hashed as the reader emits it, so when the
      // CRC-32 fails at the end, all the bytes have been hashed (an iterator drops what it has
      // not yet read when the stream errors), and the SHA-256 can be compared too.
      await new Promise<void>((resolve, reject) => {
        stream.on("data", take);
        stream.once("end", resolve);
        stream.once("error", reject);
      });
      ended = true;
    }
  } catch (err) {
    const whole = size === zip.archive.entries.get(name)?.uncompressedSize;
    throw new EntryReadError(err, whole ? { size, sha256: hash.digest("hex") } : null);
  } finally {
    stream.destroy();
  }
  if (!ended) throw new EntryReadError(new Error("was not read to its end"), null);
  return { size, sha256: hash.digest("hex") };
}

/** Options of {@link readEntries}. */
export interface ReadEntriesOptions {
  /** The consumer for an entry (a parser), or undefined to hash it only. */
  consumer?(entry: ZipEntryInfo): Consumer | undefined;
  /** Called once an entry was read in full and its CRC-32 and size held. */
  onEntry?(entry: ZipEntryInfo, digest: Digest): void;
  /** Called after an entry failed (already reported), with its digest if all its bytes came. */
  onFailed?(entry: ZipEntryInfo, digest: Digest | null): void;
}

/** Entries read in full and entries that failed, over one or more {@link readEntries} calls. */
export interface ReadTally {
  read: number;
  failed: number;
}

/**
 * Reads the named entries (directories skipped) to their end; each damaged one is a FAIL naming
 * it. Adds to `tally`; {@link reportTally} then says how many held.
 */
export async function readEntries(
  ctx: VerifyContext,
  zip: OpenedZip,
  names: Iterable<string>,
  opts: ReadEntriesOptions,
  tally: ReadTally = { read: 0, failed: 0 },
): Promise<ReadTally> {
  for (const name of names) {
    const entry = zip.archive.entries.get(name);
    if (!entry || entry.isDirectory) continue;
    try {
      const digest = await digestEntry(zip, name, opts.consumer?.(entry), (n) => ctx.meter.add(n));
      tally.read++;
      opts.onEntry?.(entry, digest);
    } catch (err) {
      tally.failed++;
      ctx.checks.fail(inZip(name, zip.name), archiveProblem(err));
      opts.onFailed?.(entry, err instanceof EntryReadError ? err.digest : null);
    }
  }
  return tally;
}

/** One line for all the entries of `zip` that were read in full. */
export function reportTally(ctx: VerifyContext, zip: OpenedZip, tally: ReadTally): void {
  if (tally.read === 0) return;
  ctx.checks.pass(
    displayName(zip.name),
    `${count(tally.read, "file")} read in full: CRC-32 and size of each as the zip says` +
      (tally.failed ? ` (${count(tally.failed, "other")} failed, above)` : ""),
  );
}
