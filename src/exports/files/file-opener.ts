/**
 * Opens stored files for an export's zip, ahead of their turn (see copy-files.ts): on S3 each file
 * costs a HEAD and a GET round trip, which would otherwise be paid one after another. A file that
 * is missing, or whose size in storage differs from its row, comes back as a reason to skip it;
 * any other storage error is kept for its turn, when it rejects the export.
 */
import { addAbortSignal, type Readable } from "node:stream";
import { type BlobInfo, BlobNotFoundError } from "../../storage/blob-store.js";
import type { ExportContext } from "../export-format.js";
import type { StoredFile } from "./stored-file.js";

/** Reason recorded for a file that is not in storage. */
export const MISSING_REASON = "missing from storage";

/** A file opened ahead of its turn: its stream, why it is left out, or the error to rethrow. */
export type OpenedFile = { body: Readable } | { skip: string } | { error: unknown };

/** Opens files one after another; keeps the last storage check for the next file. */
export class FileOpener {
  /** The last key checked: a person's report rows (one per opening) come together and share one CV. */
  private last: { key: string; info: Promise<BlobInfo | null> } | null = null;

  constructor(private readonly ctx: Pick<ExportContext, "blobs" | "signal">) {}

  /** Starts opening `file`; never rejects (a failure is kept for its turn). */
  open(file: StoredFile): Promise<OpenedFile> {
    return this.tryOpen(file).catch((error: unknown) => ({ error }));
  }

  /** Releases a file opened but never added (the export stopped before its turn). */
  static discard(opened: Promise<OpenedFile>): void {
    void opened.then((o) => {
      if ("body" in o) o.body.destroy();
    });
  }

  private async tryOpen(file: StoredFile): Promise<OpenedFile> {
    // The size is checked before the entry starts: a STORE entry declares it up front, and a
    // short or long file found half-way would already have broken the archive.
    if (this.last?.key !== file.storageKey) {
      this.last = { key: file.storageKey, info: this.ctx.blobs.head(file.storageKey) };
    }
    const info = await this.last.info;
    if (!info) return { skip: MISSING_REASON };
    if (info.size !== file.sizeBytes) {
      return {
        skip: `size in storage (${info.size} bytes) differs from the recorded size (${file.sizeBytes} bytes)`,
      };
    }
    let body: Readable;
    try {
      body = await this.ctx.blobs.get(file.storageKey);
    } catch (err) {
      if (err instanceof BlobNotFoundError) return { skip: MISSING_REASON };
      throw err;
    }
    // The stream may wait in the read-ahead queue and be destroyed there (abort, discard) before
    // the zip listens to it: without a listener its 'error' would be an uncaught exception. The
    // zip still sees the error, as iterating an errored stream throws it.
    body.on("error", () => {});
    // Start reading now (up to the stream's high-water mark): the disk or network works on the
    // next files while the zip writes this one. A cancelled export stops mid-file, not after it.
    const guarded = addAbortSignal(this.ctx.signal, body);
    guarded.read(0);
    return { body: guarded };
  }
}
