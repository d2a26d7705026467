import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";

/** Reads a whole stream into memory (tests only, small blobs). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** SHA-256 of a stream, without holding it in memory. */
export async function sha256Of(stream: NodeJS.ReadableStream): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * A stream of `totalBytes` random bytes made on demand in 1 MiB chunks (never all in memory);
 * `sha256()` gives the digest of what was emitted once the stream has ended.
 */
export function randomStream(totalBytes: number): { stream: Readable; sha256: () => string } {
  const hash = createHash("sha256");
  let left = totalBytes;
  const stream = new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const chunk = randomBytes(Math.min(left, 1024 * 1024));
      left -= chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest("hex") };
}

/** A stream that emits `before` and then fails with `error`, like a client dropping mid-upload. */
export function failingStream(before: Buffer, error: Error): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (sent) return void this.destroy(error);
      sent = true;
      this.push(before);
    },
  });
}

/** A stream that emits one chunk and then stalls forever, for abort tests. */
export function stallingStream(first: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(first);
      }
    },
  });
}
