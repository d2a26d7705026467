/**
 * Opens CVs in blob storage for the backup zip. A CV whose file is missing, or whose size in
 * storage differs from its row, is left out with a warning (SPEC §3: never silently, never
 * fatal); any other storage error rejects, so the job layer retries the whole export.
 *
 * Opening is split from adding so CVs can be opened a few rows ahead (see read-ahead.ts): on S3
 * each CV costs a HEAD and a GET round trip, which would otherwise be paid one after another.
 */
import { addAbortSignal, type Readable } from "node:stream";
import { type BlobInfo, BlobNotFoundError } from "../../storage/blob-store.js";
import type { ExportContext } from "../export-format.js";
import type { ZipWriter } from "../zip/zip-writer.js";
import type { StoredFile } from "./stored-file.js";

/** Reason recorded for a CV whose file is not in storage. */
export const MISSING_REASON = "missing from storage";

/** A CV opened ahead of its turn: its stream, why it is left out, or the error to rethrow. */
export type OpenedResume = { body: Readable } | { skip: string } | { error: unknown };

/** Opens CVs (ahead of time) and adds them to the zip (in row order). */
export class ResumeCopier {
  /** The last key checked: a person's rows (one per opening) come together and share one CV. */
  private last: { key: string; info: Promise<BlobInfo | null> } | null = null;

  constructor(
    private readonly ctx: Pick<ExportContext, "blobs" | "warn" | "signal">,
    private readonly zip: ZipWriter,
  ) {}

  /** Starts opening `resume`; never rejects (a failure is kept for {@link add} to throw in turn). */
  open(resume: StoredFile): Promise<OpenedResume> {
    return this.tryOpen(resume).catch((error: unknown) => ({ error }));
  }

  /** Adds an opened CV at `resume.path`; false (and a warning) when it cannot be included. */
  async add(resume: StoredFile, opened: OpenedResume): Promise<boolean> {
    if ("error" in opened) throw opened.error;
    if ("skip" in opened) {
      this.ctx.warn({
        entity: "attachment",
        id: resume.attachmentId,
        path: resume.path,
        reason: opened.skip,
      });
      return false;
    }
    try {
      await this.zip.addEntry(resume.path, opened.body, { size: resume.sizeBytes });
    } catch (err) {
      this.ctx.signal.throwIfAborted(); // cancelled mid-file: the abort is the cause
      throw err;
    }
    return true;
  }

  /** Releases a CV opened but never added (the export stopped before its turn). */
  static discard(opened: Promise<OpenedResume>): void {
    void opened.then((o) => {
      if ("body" in o) o.body.destroy();
    });
  }

  private async tryOpen(resume: StoredFile): Promise<OpenedResume> {
    // The size is checked before the entry starts: a STORE entry declares it up front, and a
    // short or long file found half-way would already have broken the archive.
    if (this.last?.key !== resume.storageKey) {
      this.last = { key: resume.storageKey, info: this.ctx.blobs.head(resume.storageKey) };
    }
    const info = await this.last.info;
    if (!info) return { skip: MISSING_REASON };
    if (info.size !== resume.sizeBytes) {
      return {
        skip: `size in storage (${info.size} bytes) differs from the recorded size (${resume.sizeBytes} bytes)`,
      };
    }
    let body: Readable;
    try {
      body = await this.ctx.blobs.get(resume.storageKey);
    } catch (err) {
      if (err instanceof BlobNotFoundError) return { skip: MISSING_REASON };
      throw err;
    }
    // The stream may wait in the read-ahead queue and be destroyed there (abort, discard) before
    // the zip listens to it: without a listener its 'error' would be an uncaught exception. The
    // zip still sees the error, as iterating an errored stream throws it.
    body.on("error", () => {});
    // Start reading now (up to the stream's high-water mark): the disk or network works on the
    // next CVs while the zip writes this one. A cancelled export stops mid-file, not after it.
    const guarded = addAbortSignal(this.ctx.signal, body);
    guarded.read(0);
    return { body: guarded };
  }
}
