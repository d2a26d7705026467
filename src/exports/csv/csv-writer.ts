import { once } from "node:events";
import fs from "node:fs";
import { Readable } from "node:stream";
import { BOM, type CsvDialect, type CsvValue, csvLine } from "./csv-dialect.js";

/** Records are joined into chunks of about this many characters before they are written. */
const CHUNK_CHARS = 64 * 1024;

/**
 * A CSV file as a stream of ~64 KiB UTF-8 chunks: header first, then one record per row, pulled
 * from `rows` only as fast as the consumer reads (nothing is held beyond one chunk).
 */
export function csvStream(
  header: readonly string[],
  rows: AsyncIterable<readonly CsvValue[]>,
  dialect: CsvDialect,
  counter?: { rows: number },
): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    let text = (dialect.bom ? BOM : "") + csvLine(header, dialect);
    for await (const row of rows) {
      text += csvLine(row, dialect);
      if (counter) counter.rows++;
      if (text.length >= CHUNK_CHARS) {
        yield Buffer.from(text, "utf8");
        text = "";
      }
    }
    if (text) yield Buffer.from(text, "utf8");
  }
  return Readable.from(chunks(), { objectMode: false });
}

/**
 * A CSV written to a temp file row by row, while another stream (a zip of files) is written from
 * the same pass. Honours the file's backpressure; `close` resolves once everything is on disk.
 */
export class CsvFileWriter {
  rows = 0;
  private readonly out: fs.WriteStream;
  private pending: string;
  private failure: Error | undefined;

  constructor(
    readonly path: string,
    header: readonly string[] | null,
    private readonly dialect: CsvDialect,
  ) {
    this.out = fs.createWriteStream(path, { mode: 0o600 });
    this.out.on("error", (err) => {
      this.failure ??= err;
    });
    this.pending = header ? (dialect.bom ? BOM : "") + csvLine(header, dialect) : "";
  }

  async write(values: readonly CsvValue[]): Promise<void> {
    this.pending += csvLine(values, this.dialect);
    this.rows++;
    if (this.pending.length >= CHUNK_CHARS) await this.flush();
  }

  /** Writes what is pending and ends the file. */
  async close(): Promise<void> {
    await this.flush();
    if (this.failure) throw this.failure;
    const finished = once(this.out, "finish");
    this.out.end();
    await finished;
    if (this.failure) throw this.failure;
  }

  /** Stops writing (after a failure elsewhere); the caller removes the file. */
  destroy(): void {
    this.out.destroy();
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.pending) return;
    const ok = this.out.write(this.pending, "utf8");
    this.pending = "";
    if (!ok) await once(this.out, "drain"); // rejects if the file errors meanwhile
    if (this.failure) throw this.failure;
  }
}
