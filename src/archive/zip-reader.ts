/**
 * Reads zip archives that come from outside — `hirevault verify FILE` and `hirevault import
 * FILE` (docs/EXPORTS.md#integrity) — safely: the whole central directory is checked before any
 * content is read or anything is written (docs/EXPORTS.md#untrusted-archives), and every byte read
 * is checked against its declared size and CRC-32 (docs/EXPORTS.md#verifying-an-export). Built on
 * yauzl (thejoshwolfe/yauzl) for parsing, with our own checks on top, so each refusal is an {@link
 * ArchiveError} with a stable `code` and a message naming the entry.
 *
 * Layout: end-record.ts (end records, entry-count limit first), central-directory.ts +
 * entry-checks.ts (each entry), local-headers.ts (overlap), entry-stream.ts (content checks),
 * file-reader.ts (buffered file access for yauzl).
 */
import { open as openFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import yauzl, { type ZipFile } from "yauzl";
import { ArchiveError } from "./archive-error.js";
import { type ArchiveLimits, resolveLimits } from "./archive-limits.js";
import { readCentralDirectory, type ZipEntryInfo } from "./central-directory.js";
import { checkCentralBounds, readEndRecord } from "./end-record.js";
import { METHOD_DEFLATE } from "./entry-checks.js";
import { CheckedEntryStream, contentError } from "./entry-stream.js";
import { FileReader } from "./file-reader.js";
import { locateEntries } from "./local-headers.js";

export { ArchiveError, type ArchiveErrorCode } from "./archive-error.js";
export { type ArchiveLimits, DEFAULT_LIMITS } from "./archive-limits.js";
export type { ZipEntryInfo } from "./central-directory.js";

/**
 * yauzl options: entries one at a time (`lazyEntries`), the file stays open for reading
 * entries (`autoClose: false`), stored sizes and inflated byte counts checked
 * (`validateEntrySizes`). `decodeStrings: false`: we decode names from their raw bytes
 * ourselves (entry-checks.ts `decodeName`), because yauzl's decoding turns `\` into `/` (or,
 * with `strictFileNames`, refuses names with its own message and no code) and prefers the
 * Info-ZIP Unicode Path extra field over the header's bytes.
 */
const YAUZL_OPTIONS: yauzl.Options = {
  lazyEntries: true,
  autoClose: false,
  validateEntrySizes: true,
  decodeStrings: false,
};

function fromReader(reader: FileReader): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromRandomAccessReader(reader, reader.size, YAUZL_OPTIONS, (err, zipfile) => {
      if (err)
        reject(
          new ArchiveError("not_zip", `not a readable zip archive (${err.message})`, undefined, {
            cause: err,
          }),
        );
      else resolve(zipfile);
    });
  });
}

/**
 * A zip archive opened for reading, already checked as a whole.
 *
 * Nested archives are never opened: a `.zip` (or `.xlsx`, `.docx`) entry is just bytes to
 * hash and copy, so 42.zip-style nesting has no depth to exploit — only its outer layer counts,
 * and that layer is held to the limits like any other (docs/EXPORTS.md#untrusted-archives "depth").
 *
 * Memory is bounded by the central directory: per entry its `ZipEntryInfo` and data offset
 * (~250 bytes), with `maxEntries` capping the count; content is streamed.
 */
export class ZipArchive {
  private readonly streams = new Set<Readable>();
  private closing: Promise<void> | undefined;
  private closeError: Error | undefined;

  private constructor(
    readonly path: string,
    /** Entries by name, in central-directory order (a Map preserves it). */
    readonly entries: ReadonlyMap<string, ZipEntryInfo>,
    private readonly dataStarts: ReadonlyMap<string, number>,
    private readonly zipfile: ZipFile,
    private readonly reader: FileReader,
  ) {
    zipfile.on("error", (err: Error) => {
      this.closeError ??= err;
    });
  }

  /**
   * Opens `file` and checks the WHOLE central directory before returning; rejects with an
   * {@link ArchiveError} (I/O errors such as ENOENT pass through unchanged). Never writes
   * anything anywhere. In order: the declared entry count (before reading any entry), the
   * central directory's bounds, then every entry (name, symlink, encryption, method, sizes,
   * ratio, duplicates), then the local headers (no two entries share bytes).
   */
  static async open(file: string, limits: Partial<ArchiveLimits> = {}): Promise<ZipArchive> {
    const resolved = resolveLimits(limits);
    const handle = await openFile(file, "r");
    const { size } = await handle.stat().catch(async (err: unknown) => {
      await handle.close();
      throw err;
    });
    const reader = new FileReader(handle, size);
    const readAt = (position: number, length: number) => reader.readAt(position, length);
    let zipfile: ZipFile | undefined;
    try {
      const end = await readEndRecord(readAt, size);
      if (end.entries > resolved.maxEntries) {
        throw new ArchiveError(
          "too_many_entries",
          `archive declares ${end.entries} entries, more than the limit of ${resolved.maxEntries}`,
        );
      }
      checkCentralBounds(end, size);
      zipfile = await fromReader(reader);
      if (zipfile.entryCount !== end.entries) {
        throw new ArchiveError(
          "not_zip",
          `ambiguous end of central directory (${zipfile.entryCount} ≠ ${end.entries} entries)`,
        );
      }
      const { entries, places } = await readCentralDirectory(zipfile, reader, end, resolved);
      await locateEntries(places, readAt, end.cdOffset, size);
      const dataStarts = new Map(places.map((p) => [p.name, p.dataStart]));
      return new ZipArchive(file, entries, dataStarts, zipfile, reader);
    } catch (err) {
      if (zipfile) {
        zipfile.on("error", () => {}); // a close error must not hide the reason we are closing
        zipfile.close();
        await reader.closed;
      } else {
        await handle.close();
      }
      throw err;
    }
  }

  /**
   * Streams one entry's uncompressed bytes. The stream errors with ArchiveError
   * `size_mismatch` or `crc_mismatch` (naming the entry) when the bytes differ from the declared
   * size or CRC-32 — only at its end for a CRC, so consumers must treat what they got as
   * unverified until the stream ends cleanly. An unknown name rejects with a plain `Error`.
   */
  async openEntry(name: string): Promise<Readable> {
    if (this.closing) throw new Error(`zip archive ${this.path} is closed`);
    const info = this.entries.get(name);
    const dataStart = this.dataStarts.get(name);
    if (info === undefined || dataStart === undefined) {
      throw new Error(`no entry ${JSON.stringify(name)} in ${this.path}`);
    }
    const source = await new Promise<Readable>((resolve, reject) => {
      const size = info.compressedSize;
      const inflate = info.compressionMethod === METHOD_DEFLATE;
      this.zipfile.openReadStreamLowLevel(
        dataStart,
        size,
        0,
        size,
        inflate,
        info.uncompressedSize,
        (err, s) => (err ? reject(err) : resolve(s)),
      );
    });
    const checked = new CheckedEntryStream(info);
    this.streams.add(checked);
    source.on("error", (err: Error) => checked.destroy(contentError(err, info)));
    checked.once("close", () => {
      this.streams.delete(checked);
      if (!source.destroyed && !source.readableEnded) source.destroy();
    });
    source.pipe(checked);
    return checked;
  }

  /**
   * The whole entry as UTF-8 text, for small metadata files (manifest.json, datapackage.json);
   * refuses (`too_large`) an entry declaring more than `maxBytes`, before reading it.
   */
  async readText(name: string, maxBytes: number): Promise<string> {
    const info = this.entries.get(name);
    if (info && info.uncompressedSize > maxBytes) {
      throw new ArchiveError(
        "too_large",
        `is ${info.uncompressedSize} bytes, more than the ${maxBytes} allowed here`,
        name,
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of await this.openEntry(name)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  /**
   * Closes the file. Entry streams still open are destroyed (consumers see a premature close).
   * Idempotent; resolves once the file descriptor is closed.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const s of this.streams) s.destroy();
      this.zipfile.close();
      await this.reader.closed;
      if (this.closeError) throw this.closeError;
    })();
    return this.closing;
  }
}
