import type { ExportContext, ExportWarning } from "../export-format.js";
import type { ZipWriter } from "../zip/zip-writer.js";
import type { MissingFiles } from "./missing-files.js";
import { type OpenedResume, ResumeCopier } from "./resume-copier.js";
import type { StoredFile } from "./stored-file.js";

/**
 * Copies stored files into one zip of the full export (the backup's {@link ResumeCopier}: opened
 * ahead, size-checked, missing files left out with a warning) and records every file left out in
 * the manifest's list, under this zip's part.
 */
export class FileCopier {
  /** Files added so far. */
  files = 0;
  private readonly copier: ResumeCopier;
  private last: ExportWarning | null = null;

  constructor(
    ctx: ExportContext,
    zip: ZipWriter,
    private readonly part: string,
    private readonly missing: MissingFiles,
  ) {
    const warn = (w: ExportWarning) => {
      this.last = w;
      ctx.warn(w);
    };
    this.copier = new ResumeCopier({ blobs: ctx.blobs, signal: ctx.signal, warn }, zip);
  }

  /** Starts opening a file (see `readAhead`); never rejects. */
  open(file: StoredFile): Promise<OpenedResume> {
    return this.copier.open(file);
  }

  /** Adds an opened file: null when it is in the zip, else why it is not (and it is listed). */
  async add(file: StoredFile, opened: OpenedResume): Promise<string | null> {
    this.last = null;
    if (await this.copier.add(file, opened)) {
      this.files++;
      return null;
    }
    const warning = this.last as ExportWarning | null;
    if (warning) await this.missing.add(this.part, warning);
    return warning?.reason ?? "not included";
  }
}
