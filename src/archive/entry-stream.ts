/**
 * The stream `ZipArchive.openEntry` returns: the entry's uncompressed bytes, checked against
 * the declared size and CRC-32 (APPNOTE §4.4.7) as they pass — `verify`'s "one flipped byte in
 * a CV → non-zero naming that file" (docs/EXPORTS.md#verifying-an-export). More bytes than declared
 * fail at the first extra byte (yauzl's `validateEntrySizes` counter stops the inflater there too),
 * so a lying size cannot inflate without bound.
 */
import { Transform, type TransformCallback } from "node:stream";
import { crc32 } from "node:zlib";
import { ArchiveError } from "./archive-error.js";

/** What the stream is checked against. */
export interface ExpectedContent {
  name: string;
  uncompressedSize: number;
  crc32: number;
}

const hex = (n: number): string => n.toString(16).padStart(8, "0");

/** Counts and CRCs the bytes; errors with `size_mismatch` or `crc_mismatch` naming the entry. */
export class CheckedEntryStream extends Transform {
  private crc = 0;
  private count = 0;

  constructor(private readonly expected: ExpectedContent) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.count += chunk.length;
    if (this.count > this.expected.uncompressedSize) {
      cb(this.sizeError(`at least ${this.count}`));
      return;
    }
    this.crc = crc32(chunk, this.crc);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    const e = this.expected;
    if (this.count !== e.uncompressedSize) cb(this.sizeError(String(this.count)));
    else if (this.crc !== e.crc32) {
      cb(
        new ArchiveError(
          "crc_mismatch",
          `CRC-32 mismatch (expected ${hex(e.crc32)}, got ${hex(this.crc)})`,
          e.name,
        ),
      );
    } else cb();
  }

  private sizeError(got: string): ArchiveError {
    const e = this.expected;
    return new ArchiveError("size_mismatch", `declares ${e.uncompressedSize} bytes but holds ${got}`, e.name);
  }
}

/**
 * Our error for an error of yauzl's content stream: its byte counters (`too many bytes…`,
 * `not enough bytes…`) mean the data does not match the declared sizes; zlib errors mean the
 * DEFLATE data is damaged — reported as `crc_mismatch`, the same finding as a bad checksum (the
 * bytes are not what was written). Other errors (I/O) pass through unchanged.
 */
export function contentError(err: Error, expected: ExpectedContent): Error {
  if (err instanceof ArchiveError) return err;
  const msg = err.message;
  if (/too many bytes in the stream|not enough bytes in the stream/.test(msg)) {
    return new ArchiveError(
      "size_mismatch",
      `does not match its declared size of ${expected.uncompressedSize} bytes (${msg})`,
      expected.name,
      { cause: err },
    );
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === "string" && code.startsWith("Z_")) {
    return new ArchiveError("crc_mismatch", `damaged DEFLATE data (${msg})`, expected.name, { cause: err });
  }
  return err;
}
