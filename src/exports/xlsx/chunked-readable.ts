/**
 * A Readable fed by a producer that writes small strings: they are concatenated (V8 ropes,
 * cheap) and pushed as ~256 KB Buffers, so the consumer (zlib inside the zip writer) sees
 * few large chunks. `write` resolves at once unless the consumer is behind, in which case it
 * waits for the next `read()` — true backpressure, so memory stays bounded by one chunk plus
 * the stream's high-water mark.
 */
import { Readable } from "node:stream";

/**
 * Size at which buffered text is pushed to the stream. Each chunk costs a DEFLATE round trip
 * through the thread pool: 256 Ki rather than 64 Ki measured ~15% less CPU for the sheet.
 */
export const CHUNK_CHARS = 256 * 1024;

const RESOLVED: Promise<void> = Promise.resolve();

/** Producer side of a push stream with backpressure; consume {@link ChunkedReadable.stream}. */
export class ChunkedReadable {
  /** The byte stream to hand to the consumer. */
  readonly stream: Readable;
  private pending = "";
  private wake: (() => void) | null = null;
  private wakeFail: ((err: Error) => void) | null = null;
  private failure: Error | null = null;
  private flowing = true;

  constructor() {
    this.stream = new Readable({
      highWaterMark: CHUNK_CHARS,
      read: () => {
        this.flowing = true;
        const wake = this.wake;
        this.wake = this.wakeFail = null;
        wake?.();
      },
    });
    // If the consumer goes away, a waiting producer must not hang forever.
    this.stream.once("close", () => {
      if (!this.stream.readableEnded) this.fail(new Error("xlsx sheet stream closed before its end"));
    });
  }

  /** Rejects the pending and any later `write` with `err` (e.g. the zip entry failed). */
  fail(err: Error): void {
    this.failure ??= err;
    const wakeFail = this.wakeFail;
    this.wake = this.wakeFail = null;
    wakeFail?.(err);
  }

  /** Appends `text`; flushes a chunk when enough is buffered and waits if the consumer is slow. */
  write(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length < CHUNK_CHARS) return this.failure ? Promise.reject(this.failure) : RESOLVED;
    return this.flush();
  }

  /** Pushes what is buffered, then waits until the consumer wants more. */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.pending.length > 0) {
      const chunk = Buffer.from(this.pending, "utf8");
      this.pending = "";
      this.flowing = this.stream.push(chunk);
    }
    if (this.flowing) return;
    await new Promise<void>((resolve, reject) => {
      this.wake = resolve;
      this.wakeFail = reject;
    });
  }

  /** Flushes the rest and ends the stream. */
  async end(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.pending.length > 0) this.stream.push(Buffer.from(this.pending, "utf8"));
    this.pending = "";
    this.stream.push(null);
  }
}
