// Streaming ZIP writer (PKWARE APPNOTE.TXT 6.3.10). Header byte layouts live in
// zip-headers.ts / zip64.ts; this file drives the stream.
import { once } from "node:events";
import { Readable } from "node:stream";
import { crc32, createDeflateRaw, deflateRawSync } from "node:zlib";
import { assertValidEntryName } from "./entry-name.js";
import { planEntry } from "./entry-plan.js";
import {
  type EntryRecord,
  encodeCentralHeader,
  encodeDataDescriptor,
  encodeLocalHeader,
} from "./zip-headers.js";
import { encodeEnd } from "./zip64.js";

export interface ZipEntryOptions {
  /** Byte size when known in advance (attachments: `size_bytes`); lets the local header carry it. */
  size?: number;
  /** DEFLATE the entry (XML, CSV); default STORE (CVs are already compressed: PDF/DOCX). */
  compress?: boolean;
  /** Modification time written to the entry (default: the writer's `mtime`). */
  mtime?: Date;
  /**
   * DEFLATE level 0…9 of a compressed entry (default: zlib's, 6). Only the ratio changes, never
   * the uncompressed bytes: generated XML deflates ~2.4× faster at 1 for ~13% more bytes.
   */
  level?: number;
}

export interface ZipWriterOptions {
  /** Default modification time of entries; pass the export's snapshot time for stable output. */
  mtime?: Date;
}

/** What the archive held when it was finished. */
export interface ZipSummary {
  entries: number;
  /** Total bytes of the archive written to the output stream. */
  bytes: number;
}

/** Output buffer before `push()` reports backpressure: about one source chunk. */
const OUTPUT_HIGH_WATER_MARK = 64 * 1024;
/**
 * Output buffer of a DEFLATE stream (zlib's default is 16 KiB): each buffer filled is one trip
 * through the thread pool, so bigger buffers mean fewer of them. The compressed bytes are the same.
 */
const DEFLATE_CHUNK_BYTES = 64 * 1024;
/** Central directory headers are pushed in batches of about this many bytes. */
const CENTRAL_BATCH_BYTES = 64 * 1024;

function isByteSource(s: unknown): s is Uint8Array {
  return s instanceof Uint8Array;
}

/**
 * A streaming ZIP writer (APPNOTE 6.3.x): entries are added one at a time from streams or
 * buffers and written straight to `output` — nothing is buffered beyond one chunk. Names are
 * UTF-8 (general purpose bit 11 set in local and central headers); ZIP64 records are written
 * whenever an entry, offset or the entry count needs them. CRC-32 is Node's native `zlib.crc32`.
 *
 * ```ts
 * const zip = new ZipWriter({ mtime: snapshotAt });
 * zip.output.pipe(destination);
 * await zip.addEntry("Candidates.xlsx", fs.createReadStream(tmpXlsx), { size: tmpXlsxSize });
 * await zip.addEntry("Resumes/Job/Stage/cv.pdf", blobStream, { size });
 * const summary = await zip.finish();
 * ```
 * `addEntry` calls must not overlap (await each). A source stream that errors, or delivers a
 * different number of bytes than `size`, rejects `addEntry` and destroys `output` with the
 * error, so a half-written archive is never mistaken for a complete one.
 *
 * Decision — a STORE entry from a *stream* must declare `size` (else `addEntry` rejects with a
 * `TypeError` before writing anything, and the archive stays usable): STORE + data descriptor
 * without sizes is legal (§4.4.4) but streaming readers cannot find the end of stored data and
 * several (Java `ZipInputStream`, some unzip libraries) refuse it. Pass `size`, a Buffer, or
 * `compress: true`.
 */
export class ZipWriter {
  readonly output: Readable;
  private readonly mtime: Date;
  private readonly entries: EntryRecord[] = [];
  private readonly names = new Set<string>();
  private offset = 0;
  private busy = false;
  private finished = false;
  private failure: Error | undefined;
  private waiter: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(opts: ZipWriterOptions = {}) {
    this.mtime = opts.mtime ?? new Date();
    this.output = new Readable({
      highWaterMark: OUTPUT_HIGH_WATER_MARK,
      read: () => {
        const w = this.waiter;
        this.waiter = undefined;
        w?.resolve();
      },
      destroy: (err, cb) => {
        const e = err ?? new Error("zip output was destroyed");
        this.failure ??= e;
        const w = this.waiter;
        this.waiter = undefined;
        w?.reject(e);
        cb(err);
      },
    });
  }

  /** Adds a file entry. See the class comment for the STORE/`size` rule. */
  async addEntry(
    name: string,
    source: Readable | Buffer | Uint8Array,
    opts: ZipEntryOptions = {},
  ): Promise<void> {
    this.checkUsable();
    assertValidEntryName(name);
    const compress = opts.compress === true;
    const size = opts.size;
    if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0)) {
      throw new TypeError(`zip entry ${JSON.stringify(name)}: size must be a non-negative integer`);
    }
    if (opts.level !== undefined && !(Number.isInteger(opts.level) && opts.level >= 0 && opts.level <= 9)) {
      throw new TypeError(`zip entry ${JSON.stringify(name)}: level must be an integer in 0…9`);
    }
    if (!isByteSource(source) && !compress && size === undefined) {
      throw new TypeError(
        `zip entry ${JSON.stringify(name)}: a stored (compress: false) stream needs \`size\`; pass size, a Buffer, or compress: true`,
      );
    }
    this.claimName(name);
    this.busy = true;
    try {
      if (isByteSource(source)) {
        await this.addBytes(
          name,
          Buffer.from(source.buffer, source.byteOffset, source.byteLength),
          compress,
          opts,
        );
      } else {
        await this.addStream(name, source, compress, size, opts);
      }
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      this.fail(e);
      if (!isByteSource(source)) source.destroy();
      throw this.failure ?? e;
    } finally {
      this.busy = false;
    }
  }

  /** Adds a directory entry (`name` ends with `/`). */
  async addDirectory(name: string, opts: { mtime?: Date } = {}): Promise<void> {
    this.checkUsable();
    const dirName = name.endsWith("/") ? name : `${name}/`;
    assertValidEntryName(dirName, true);
    this.claimName(dirName);
    this.busy = true;
    try {
      const rec = planEntry({
        name: Buffer.from(dirName, "utf8"),
        mtime: opts.mtime ?? this.mtime,
        offset: this.offset,
        compress: false,
        size: 0,
        known: { crc: 0, compressedSize: 0 },
        isDirectory: true,
      });
      await this.write(encodeLocalHeader(rec));
      this.entries.push(rec);
    } catch (err) {
      this.fail(err as Error);
      throw this.failure ?? err;
    } finally {
      this.busy = false;
    }
  }

  /** Writes the central directory and end records, ends `output`; resolves once all is pushed. */
  async finish(): Promise<ZipSummary> {
    this.checkUsable();
    this.busy = true;
    this.finished = true;
    try {
      const cdOffset = this.offset;
      let batch: Buffer[] = [];
      let batchBytes = 0;
      for (const rec of this.entries) {
        const h = encodeCentralHeader(rec);
        batch.push(h);
        batchBytes += h.length;
        if (batchBytes >= CENTRAL_BATCH_BYTES) {
          await this.write(Buffer.concat(batch, batchBytes));
          batch = [];
          batchBytes = 0;
        }
      }
      if (batchBytes > 0) await this.write(Buffer.concat(batch, batchBytes));
      const cdSize = this.offset - cdOffset;
      await this.write(encodeEnd({ entries: this.entries.length, size: cdSize, offset: cdOffset }));
      this.output.push(null);
      return { entries: this.entries.length, bytes: this.offset };
    } catch (err) {
      this.fail(err as Error);
      throw this.failure ?? err;
    } finally {
      this.busy = false;
    }
  }

  /** Destroys the output with `err` (e.g. the export was cancelled). */
  abort(err: Error): void {
    this.fail(err);
  }

  private checkUsable(): void {
    if (this.failure) throw this.failure;
    if (this.finished) throw new Error("zip writer already finished");
    if (this.busy)
      throw new Error("zip writer: addEntry/addDirectory/finish calls must not overlap (await each)");
  }

  private claimName(name: string): void {
    if (this.names.has(name)) throw new TypeError(`duplicate zip entry name ${JSON.stringify(name)}`);
    this.names.add(name);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    if (!this.output.destroyed) this.output.destroy(this.failure);
  }

  /** Pushes `buf` to `output`, waiting for `_read` when the consumer applies backpressure. */
  private async write(buf: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.offset += buf.length;
    if (this.output.push(buf)) return;
    await new Promise<void>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private async addBytes(
    name: string,
    data: Buffer,
    compress: boolean,
    opts: ZipEntryOptions,
  ): Promise<void> {
    if (opts.size !== undefined && opts.size !== data.length) {
      throw new Error(
        `zip entry ${JSON.stringify(name)}: declared size ${opts.size} but got ${data.length} bytes`,
      );
    }
    const body = compress
      ? deflateRawSync(data, opts.level === undefined ? {} : { level: opts.level })
      : data;
    const rec = planEntry({
      name: Buffer.from(name, "utf8"),
      mtime: opts.mtime ?? this.mtime,
      offset: this.offset,
      compress,
      size: data.length,
      known: { crc: crc32(data), compressedSize: body.length },
    });
    await this.write(encodeLocalHeader(rec));
    if (body.length > 0) await this.write(body);
    this.entries.push(rec);
  }

  private async addStream(
    name: string,
    source: Readable,
    compress: boolean,
    size: number | undefined,
    opts: ZipEntryOptions,
  ): Promise<void> {
    const rec = planEntry({
      name: Buffer.from(name, "utf8"),
      mtime: opts.mtime ?? this.mtime,
      offset: this.offset,
      compress,
      size,
    });
    await this.write(encodeLocalHeader(rec));
    const dataStart = this.offset;
    let crc = 0;
    let count = 0;
    const tooMany = () =>
      new Error(`zip entry ${JSON.stringify(name)}: source delivered more than the declared ${size} bytes`);
    if (!compress) {
      for await (const chunk of source) {
        const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
        count += buf.length;
        if (size !== undefined && count > size) throw tooMany();
        crc = crc32(buf, crc);
        await this.write(buf);
      }
    } else {
      const deflater = createDeflateRaw(
        opts.level === undefined
          ? { chunkSize: DEFLATE_CHUNK_BYTES }
          : { level: opts.level, chunkSize: DEFLATE_CHUNK_BYTES },
      );
      const drainOut = (async () => {
        for await (const c of deflater) await this.write(c as Buffer);
      })();
      drainOut.catch(() => {}); // observed below; avoid an unhandled rejection meanwhile
      try {
        for await (const chunk of source) {
          const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
          count += buf.length;
          if (size !== undefined && count > size) throw tooMany();
          crc = crc32(buf, crc);
          if (!deflater.write(buf)) await Promise.race([once(deflater, "drain"), drainOut]);
        }
        deflater.end();
        await drainOut;
      } catch (err) {
        deflater.destroy();
        throw err;
      }
    }
    if (size !== undefined && count !== size) {
      throw new Error(
        `zip entry ${JSON.stringify(name)}: declared size ${size} but source delivered ${count} bytes`,
      );
    }
    rec.crc = crc;
    rec.uncompressedSize = count;
    rec.compressedSize = this.offset - dataStart;
    await this.write(encodeDataDescriptor(rec));
    this.entries.push(rec);
  }
}
