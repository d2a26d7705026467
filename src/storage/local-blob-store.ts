import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { lstat, mkdir, open, opendir, readdir, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { discardBody, toReadable } from "./blob-body.js";
import { assertValidKey, assertValidPrefix } from "./blob-key.js";
import {
  type AbandonedWrites,
  type BlobBody,
  type BlobInfo,
  BlobNotFoundError,
  type BlobStore,
  type ByteRange,
  InvalidBlobKeyError,
  MAX_DELETE_BATCH,
  type PutOptions,
  RangeNotSatisfiableError,
} from "./blob-store.js";
import { assertValidRange, resolveRange } from "./byte-range.js";
import { forEachLimited } from "./for-each-limited.js";

/** Folder under the root for in-flight writes; same filesystem as the blobs, so `rename` is atomic. */
const TMP_DIR = ".tmp";
/** Suffix of an in-flight write's temp file in {@link TMP_DIR}. */
const TMP_SUFFIX = ".part";
// Blobs are CVs: only the service account may read them.
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
/** Files deleted at once by `deleteMany`: enough to hide the syscalls' latency, few open at once. */
const DELETE_CONCURRENCY = 16;

const errCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | null)?.code;
/** Errors meaning "no file at this path": missing, or a path segment is a file, or it is a folder. */
const isMissing = (err: unknown): boolean => ["ENOENT", "ENOTDIR", "EISDIR"].includes(errCode(err) ?? "");

/** Orders keys by their UTF-8 bytes, the order S3 lists in, so both stores list identically. */
const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * {@link BlobStore} on the local filesystem: the blob `a/b/c` is the file `<rootDir>/a/b/c`.
 *
 * Writes go to a uniquely named file in `<rootDir>/.tmp/`, are fsynced, then renamed into place, so
 * readers and crashes only ever see complete blobs. Keys starting with `.tmp/` are reserved.
 * Unlike S3, a key cannot also be a prefix of other keys (`a` and `a/b`): a path is a file or a folder.
 */
/**
 * Read and write chunk size: 1 MiB instead of Node's 64 KiB / 16 KiB defaults. Exports stream
 * gigabytes through here; bigger chunks mean a fraction of the syscalls and thread-pool round
 * trips (most CVs are read in one call), for at most a few MiB per open stream.
 */
const IO_CHUNK_BYTES = 1024 * 1024;

export class LocalBlobStore implements BlobStore {
  readonly kind = "local" as const;
  readonly #root: string;
  readonly #tmpDir: string;
  #ready: Promise<void> | undefined;

  constructor(rootDir: string) {
    this.#root = path.resolve(rootDir);
    this.#tmpDir = path.join(this.#root, TMP_DIR);
  }

  async put(key: string, body: BlobBody, opts: PutOptions = {}): Promise<BlobInfo> {
    let target: string;
    try {
      target = this.#pathOf(key);
      await this.#ensureReady();
    } catch (err) {
      discardBody(body);
      throw err;
    }
    const tmp = path.join(this.#tmpDir, `${randomUUID()}${TMP_SUFFIX}`);
    try {
      // `wx` never reuses an existing file; `flush` fsyncs before close so the rename below never
      // publishes a file whose data is still only in the page cache.
      const out = createWriteStream(tmp, {
        flags: "wx",
        mode: FILE_MODE,
        flush: true,
        highWaterMark: IO_CHUNK_BYTES,
      });
      // pipeline settles only after both streams closed, so the temp file is complete (or closed).
      await pipeline(toReadable(body), out, { signal: opts.signal });
      const written = await stat(tmp);
      await this.#moveIntoPlace(tmp, target);
      return { key, size: written.size, lastModified: written.mtime };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.#pathOf(key);
    if (range) assertValidRange(range);
    const handle = await open(file, "r").catch((err: unknown) => {
      throw isMissing(err) ? new BlobNotFoundError(key, { cause: err }) : err;
    });
    try {
      // fstat the open handle, not the path: the size we check is the size of what we stream.
      const info = await handle.stat();
      if (!info.isFile()) throw new BlobNotFoundError(key);
      // Bounded by the size just read: Node then allocates each read's buffer to fit what is
      // left (a 115 KiB CV: one 115 KiB buffer, not a 1 MiB one copied down to size) and ends
      // without a last read that returns 0 bytes. Blobs are immutable (written by rename).
      if (!range) {
        return handle.createReadStream(
          info.size > 0
            ? { end: info.size - 1, highWaterMark: IO_CHUNK_BYTES }
            : { highWaterMark: IO_CHUNK_BYTES },
        );
      }
      const span = resolveRange(range, info.size);
      if (!span) throw new RangeNotSatisfiableError(key, range, info.size);
      // The stream closes the handle when it ends or is destroyed (autoClose).
      return handle.createReadStream({ ...span, highWaterMark: IO_CHUNK_BYTES });
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async head(key: string): Promise<BlobInfo | null> {
    try {
      const info = await stat(this.#pathOf(key));
      return info.isFile() ? { key, size: info.size, lastModified: info.mtime } : null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.#pathOf(key);
    try {
      await unlink(file);
    } catch (err) {
      // EISDIR: the key names a folder of other blobs, which is not a blob, so nothing to delete.
      if (isMissing(err)) return;
      throw err;
    }
    await this.#pruneEmptyDirs(path.dirname(file));
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    assertValidPrefix(prefix);
    // Start at the deepest folder the prefix names fully; the rest of it filters names there.
    yield* this.#walk(prefix.slice(0, prefix.lastIndexOf("/") + 1), prefix);
  }

  async *scan(prefix: string): AsyncIterable<BlobInfo> {
    assertValidPrefix(prefix);
    yield* this.#scanDir(prefix.slice(0, prefix.lastIndexOf("/") + 1), prefix);
  }

  async *listFolders(prefix: string): AsyncIterable<string> {
    assertValidPrefix(prefix);
    if (prefix !== "" && !prefix.endsWith("/"))
      throw new InvalidBlobKeyError(prefix, 'must be "" or end in "/"');
    const dir = await this.#openDir(prefix);
    if (!dir) return;
    for await (const e of dir) {
      if (e.isDirectory() && !(prefix === "" && e.name === TMP_DIR)) yield e.name;
    }
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    if (keys.length > MAX_DELETE_BATCH) throw new RangeError(`at most ${MAX_DELETE_BATCH} keys at once`);
    await forEachLimited(keys, DELETE_CONCURRENCY, (key) => this.delete(key));
  }

  /**
   * Removes `.part` files of `.tmp/` last written before `before`. A live put writes its temp file
   * continuously, so its modification time stays recent however long the put takes; only a put
   * whose process died (or whose source stalled for the whole grace period) leaves an old one.
   */
  async removeAbandonedWrites(before: Date): Promise<AbandonedWrites> {
    let removed = 0;
    const dir = await opendir(this.#tmpDir).catch((err: unknown) => {
      if (isMissing(err)) return null;
      throw err;
    });
    if (!dir) return { removed };
    for await (const e of dir) {
      if (!e.isFile() || !e.name.endsWith(TMP_SUFFIX)) continue;
      const file = path.join(this.#tmpDir, e.name);
      const info = await lstat(file).catch(() => null); // gone: its put finished meanwhile
      if (!info || info.mtimeMs >= before.getTime()) continue;
      await rm(file, { force: true });
      removed++;
    }
    return { removed };
  }

  /** The folder `dirKey` (`""` or ending in `/`) opened for reading a few entries at a time; null if missing. */
  async #openDir(dirKey: string): Promise<import("node:fs").Dir | null> {
    return opendir(path.join(this.#root, ...dirKey.split("/"))).catch((err: unknown) => {
      if (isMissing(err)) return null;
      throw err;
    });
  }

  /** Yields blobs under the folder `dirKey` in directory order, holding one open folder per level. */
  async *#scanDir(dirKey: string, prefix: string): AsyncGenerator<BlobInfo> {
    const dir = await this.#openDir(dirKey);
    if (!dir) return;
    // The iterator closes the folder when it ends, throws, or the caller stops early.
    for await (const e of dir) {
      if (dirKey === "" && e.name === TMP_DIR) continue;
      const key = `${dirKey}${e.name}`;
      if (e.isDirectory()) {
        if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`))
          yield* this.#scanDir(`${key}/`, prefix);
        continue;
      }
      if (!e.isFile() || !key.startsWith(prefix)) continue;
      const info = await stat(path.join(this.#root, ...key.split("/"))).catch((err: unknown) => {
        if (isMissing(err)) return null; // deleted since it was read
        throw err;
      });
      if (info) yield { key, size: info.size, lastModified: info.mtime };
    }
  }

  /** Yields blobs under the folder `dirKey` (`""` or ending in `/`), one `readdir` at a time. */
  async *#walk(dirKey: string, prefix: string): AsyncGenerator<BlobInfo> {
    const dir = path.join(this.#root, ...dirKey.split("/"));
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    // A folder sorts as "name/" so that the depth-first walk yields keys in global byte order.
    const children = entries
      .filter((e) => !(dirKey === "" && e.name === TMP_DIR) && (e.isFile() || e.isDirectory()))
      .map((e) => ({ key: `${dirKey}${e.name}${e.isDirectory() ? "/" : ""}`, isDir: e.isDirectory() }))
      .filter((c) => c.key.startsWith(prefix))
      .sort((a, b) => byUtf8(a.key, b.key));
    for (const child of children) {
      if (child.isDir) {
        yield* this.#walk(child.key, prefix);
        continue;
      }
      const info = await stat(path.join(this.#root, ...child.key.split("/"))).catch((err: unknown) => {
        if (isMissing(err)) return null; // deleted since readdir
        throw err;
      });
      if (info) yield { key: child.key, size: info.size, lastModified: info.mtime };
    }
  }

  #pathOf(key: string): string {
    assertValidKey(key);
    if (key === TMP_DIR || key.startsWith(`${TMP_DIR}/`)) {
      throw new InvalidBlobKeyError(key, `keys under "${TMP_DIR}/" are reserved by the local store`);
    }
    return path.join(this.#root, ...key.split("/"));
  }

  #ensureReady(): Promise<void> {
    // Temp files a killed process left are removed by the worker's storage sweep
    // (`removeAbandonedWrites`), on its clock and grace period, not here.
    this.#ready ??= mkdir(this.#tmpDir, { recursive: true, mode: DIR_MODE }).then(
      () => undefined,
      (err: unknown) => {
        this.#ready = undefined; // let the next put retry, e.g. after the disk was remounted
        throw err;
      },
    );
    return this.#ready;
  }

  async #moveIntoPlace(tmp: string, target: string): Promise<void> {
    const dir = path.dirname(target);
    // A concurrent delete may prune the freshly made folder before the rename: recreate and retry.
    for (let attempt = 1; ; attempt++) {
      await mkdir(dir, { recursive: true, mode: DIR_MODE });
      try {
        await rename(tmp, target);
        break;
      } catch (err) {
        if (errCode(err) !== "ENOENT" || attempt >= 3) throw err;
      }
    }
    await fsyncDir(dir);
  }

  /** Removes now-empty folders from `dir` up to (not including) the root; stops at the first non-empty. */
  async #pruneEmptyDirs(dir: string): Promise<void> {
    while (dir !== this.#root && dir.startsWith(this.#root + path.sep)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or already gone): the ancestors are not empty either
      }
      dir = path.dirname(dir);
    }
  }
}

/** Persists a rename by fsyncing its folder; best effort, as some platforms cannot open folders. */
async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r").catch(() => null);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // EISDIR/EPERM on platforms without directory fsync: the rename itself already happened.
  } finally {
    await handle.close();
  }
}
