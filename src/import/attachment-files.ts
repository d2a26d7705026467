/**
 * Copies attachments' bytes from the snapshot into blob storage under the new account's keys.
 * Each file is hashed on its way and must match its row's `size_bytes` and `sha256` (the zip
 * reader has already checked the entry's CRC-32 and declared size), so what is restored is
 * byte for byte what was exported. A few copies run at once to hide storage round trips.
 */
import { ArchiveError } from "../archive/zip-reader.js";
import { meterStream } from "../exports/artifact-meter.js";
import { attachmentKey } from "../services/attachment.service.js";
import type { BlobStore } from "../storage/blob-store.js";
import { ImportError } from "./import-error.js";
import type { SnapshotArchive } from "./snapshot-archive.js";

/** Copies started before the batch waits for them. */
const CONCURRENCY = 8;

/** One attachment row and where its bytes are in the zip. */
export interface FileToCopy {
  row: Record<string, unknown>;
  path: string;
  csvPath: string;
  line: number;
}

export class AttachmentFiles {
  /** Files copied, bytes copied, and zip entries used (each entry may back several rows). */
  files = 0;
  bytes = 0;
  readonly used = new Set<string>();

  constructor(
    private readonly archive: SnapshotArchive,
    private readonly blobs: BlobStore,
    private readonly accountId: string,
  ) {}

  /** Copies a batch of files, at most {@link CONCURRENCY} at a time; rejects on the first failure. */
  async copyAll(files: readonly FileToCopy[]): Promise<void> {
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < files.length && !failed) {
        try {
          await this.copy(files[next++]!);
        } catch (err) {
          failed = true;
          throw err;
        }
      }
    };
    // Wait for every copy in flight to settle before rejecting: the caller then deletes the
    // account's files, and a put finishing after that would leave one behind.
    const results = await Promise.allSettled(
      Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker),
    );
    const failure = results.find((r) => r.status === "rejected");
    if (failure) throw failure.reason;
  }

  /** Marks an entry as accounted for without copying it (a file erased after the snapshot). */
  skip(path: string): void {
    this.used.add(path);
  }

  private async copy(f: FileToCopy): Promise<void> {
    if (!this.archive.has(f.path)) {
      throw new ImportError(`${f.csvPath} line ${f.line}, path: ${f.path} is not in the snapshot`);
    }
    this.used.add(f.path);
    const meter = meterStream(await this.archive.zip.openEntry(f.path));
    // The entry's error (size, CRC-32) reaches the meter, which a store subscribes to only after
    // its own first steps: the local store creates its folder on its first write, S3 starts an
    // upload. An entry that inflates past its declared size fails within its first chunk, which
    // can come before that; the meter's only listener is then the one `pipe` adds, which
    // re-throws when it is alone — an unhandled 'error' event that ended the process. So listen
    // from the start and keep the entry's error: the store's put then rejects (its pipeline
    // finds the body destroyed).
    let entryError: unknown;
    meter.stream.on("error", (err) => {
      entryError ??= err;
    });
    const key = attachmentKey(this.accountId, String(f.row.id));
    try {
      await this.blobs.put(key, meter.stream, { contentType: String(f.row.content_type) });
      if (entryError !== undefined) throw entryError;
    } catch (err) {
      const cause = entryError ?? err;
      // A damaged entry (CRC-32 or size) names itself; say which row it belongs to.
      if (cause instanceof ArchiveError)
        throw new ImportError(`${cause.message} (${f.csvPath} line ${f.line})`);
      throw cause;
    }
    const { sizeBytes: size, sha256 } = meter.result();
    if (size !== f.row.size_bytes || sha256 !== f.row.sha256) {
      throw new ImportError(
        `${f.path}: ${size} bytes with SHA-256 ${sha256}, but ${f.csvPath} line ${f.line} says ${f.row.size_bytes} bytes with ${f.row.sha256}`,
      );
    }
    this.files++;
    this.bytes += size;
  }
}
