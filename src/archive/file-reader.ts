/**
 * Random access to the archive file for yauzl (its `RandomAccessReader` interface) and for
 * our own checks, through one `FileHandle`, so the file checked is the file read.
 *
 * Why not `yauzl.open`: its reader does one un-buffered asynchronous read per central
 * directory field group (two per entry), 7 s for 100,000 entries on the 2-core machine. Here
 * small reads are served from a 256 KiB window read ahead, so the central directory costs one
 * read per 256 KiB. Content streams are our own {@link RangeStream}: Node's `fs` read streams
 * close the file when destroyed, even with `autoClose: false`, and one entry stream a consumer
 * abandons must not close the file under the others.
 */
import type { FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import yauzl from "yauzl";

/** Size of the read-ahead window for small reads (central directory headers). */
const WINDOW_BYTES = 256 * 1024;
/** Chunk size of content streams. */
const CHUNK_BYTES = 64 * 1024;

/** Bytes `[position, end)` of the file, read with positioned reads; never closes the handle. */
class RangeStream extends Readable {
  constructor(
    private readonly handle: FileHandle,
    private position: number,
    private readonly end: number,
  ) {
    super({ highWaterMark: CHUNK_BYTES });
  }

  override _read(): void {
    const length = Math.min(CHUNK_BYTES, this.end - this.position);
    if (length <= 0) {
      this.push(null);
      return;
    }
    const buf = Buffer.allocUnsafe(length);
    this.handle.read(buf, 0, length, this.position).then(
      ({ bytesRead }) => {
        this.position += bytesRead;
        // A short file ends the stream early; yauzl's byte counter reports the shortfall.
        if (bytesRead === 0) this.push(null);
        else this.push(bytesRead < length ? buf.subarray(0, bytesRead) : buf);
      },
      (err: Error) => this.destroy(err),
    );
  }
}

/** yauzl passes a bytes-read count to the callback (its typings omit it); short means EOF. */
type ReadCallback = (err: Error | null, bytesRead?: number) => void;

export class FileReader extends yauzl.RandomAccessReader {
  private window: { start: number; bytes: Buffer } | undefined;
  private readonly closedPromise: Promise<void>;
  private markClosed!: () => void;

  constructor(
    readonly handle: FileHandle,
    readonly size: number,
  ) {
    super();
    this.closedPromise = new Promise((resolve) => {
      this.markClosed = resolve;
    });
  }

  /** Resolves once yauzl released its last reference and the file was closed. */
  get closed(): Promise<void> {
    return this.closedPromise;
  }

  /** Reads up to `length` bytes at `position` (fewer at the end of the file), bypassing the window. */
  async readAt(position: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - position)));
    let done = 0;
    while (done < buf.length) {
      const { bytesRead } = await this.handle.read(buf, done, buf.length - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return buf.subarray(0, done);
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, cb: ReadCallback): void {
    this.readWindowed(buffer, offset, length, position).then(
      (n) => cb(null, n),
      (err: Error) => cb(err),
    );
  }

  private async readWindowed(
    target: Buffer,
    offset: number,
    length: number,
    position: number,
  ): Promise<number> {
    if (length > WINDOW_BYTES) {
      const bytes = await this.readAt(position, length);
      return bytes.copy(target, offset);
    }
    let w = this.window;
    if (!w || position < w.start || position + length > w.start + w.bytes.length) {
      // A new buffer per window (never refilled in place), so overlapping reads stay correct.
      w = { start: position, bytes: await this.readAt(position, WINDOW_BYTES) };
      this.window = w;
    }
    const from = position - w.start;
    return w.bytes.copy(target, offset, from, Math.min(from + length, w.bytes.length));
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return new RangeStream(this.handle, start, end);
  }

  override close(cb: (err: Error | null) => void): void {
    this.window = undefined;
    this.handle.close().then(
      () => {
        this.markClosed();
        cb(null);
      },
      (err: Error) => {
        this.markClosed();
        cb(err);
      },
    );
  }
}
