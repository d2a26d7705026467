import { once } from "node:events";
import fs from "node:fs";
import readline from "node:readline";
import type { ExportWarning } from "../export-format.js";

/** A file left out of the export, as `manifest.json` lists it (docs/EXPORTS.md#integrity). */
export interface MissingFile {
  /** The zip it belonged in: `attachments` or `cvs`. */
  part: string;
  attachment_id: string;
  path: string;
  reason: string;
}

/**
 * The files that could not be read, kept in a temp file (one JSON object per line) rather than in
 * memory: if storage lost every file of a large account, the list is as long as the account.
 */
export class MissingFiles {
  count = 0;
  private readonly out: fs.WriteStream;

  constructor(readonly path: string) {
    this.out = fs.createWriteStream(path, { mode: 0o600 });
  }

  async add(part: string, w: ExportWarning): Promise<void> {
    this.count++;
    const line = `${JSON.stringify({ part, attachment_id: w.id, path: w.path, reason: w.reason })}\n`;
    if (!this.out.write(line)) await once(this.out, "drain");
  }

  async close(): Promise<void> {
    const finished = once(this.out, "finish");
    this.out.end();
    await finished;
  }

  /** Stops writing (after a failure elsewhere). */
  destroy(): void {
    this.out.destroy();
  }

  /** Reads the list back, in the order it was written (after {@link close}). */
  async *read(): AsyncGenerator<MissingFile> {
    const lines = readline.createInterface({ input: fs.createReadStream(this.path), crlfDelay: Infinity });
    for await (const line of lines) if (line) yield JSON.parse(line) as MissingFile;
  }
}
