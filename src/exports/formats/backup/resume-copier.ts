/**
 * Copies CVs from blob storage into the backup zip. A CV whose file is missing, or whose size in
 * storage differs from its row, is left out with a warning (SPEC §3: never silently, never
 * fatal); any other storage error rejects, so the job layer retries the whole export.
 */
import { addAbortSignal } from "node:stream";
import { type BlobInfo, BlobNotFoundError } from "../../../storage/blob-store.js";
import type { ExportContext } from "../../export-format.js";
import type { ZipWriter } from "../../zip/zip-writer.js";
import type { ReportResume } from "../candidates-report/index.js";

/** Reason recorded for a CV whose file is not in storage. */
export const MISSING_REASON = "missing from storage";

/** Streams the CVs of the report rows into `zip`, one at a time. */
export class ResumeCopier {
  /** The last key checked: a person's rows (one per opening) come together and share one CV. */
  private last: { key: string; info: BlobInfo | null } | null = null;

  constructor(
    private readonly ctx: Pick<ExportContext, "blobs" | "warn" | "signal">,
    private readonly zip: ZipWriter,
  ) {}

  /** Adds `resume` at `resume.path`; false (and a warning) when its file cannot be included. */
  async copy(resume: ReportResume): Promise<boolean> {
    // The size is checked before the entry starts: a STORE entry declares it up front, and a
    // short or long file found half-way would already have broken the archive.
    const problem = await this.problem(resume);
    if (problem) return this.skip(resume, problem);
    let body: Awaited<ReturnType<ExportContext["blobs"]["get"]>>;
    try {
      body = await this.ctx.blobs.get(resume.storageKey);
    } catch (err) {
      if (err instanceof BlobNotFoundError) return this.skip(resume, MISSING_REASON);
      throw err;
    }
    // A cancelled export stops in the middle of a large file, not after it.
    addAbortSignal(this.ctx.signal, body);
    await this.zip.addEntry(resume.path, body, { size: resume.sizeBytes });
    return true;
  }

  private async problem(resume: ReportResume): Promise<string | null> {
    if (this.last?.key !== resume.storageKey) {
      this.last = { key: resume.storageKey, info: await this.ctx.blobs.head(resume.storageKey) };
    }
    const info = this.last.info;
    if (!info) return MISSING_REASON;
    if (info.size !== resume.sizeBytes) {
      return `size in storage (${info.size} bytes) differs from the recorded size (${resume.sizeBytes} bytes)`;
    }
    return null;
  }

  private skip(resume: ReportResume, reason: string): false {
    this.ctx.warn({ entity: "attachment", id: resume.attachmentId, path: resume.path, reason });
    return false;
  }
}
