/**
 * The one copy loop of every export zip: each item comes back in order with why its file was
 * left out (null when it is in the zip), warned and listed; files are checked in real storage.
 */
import crypto from "node:crypto";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExportWarning } from "../../../src/exports/export-format.js";
import { copyFiles } from "../../../src/exports/files/copy-files.js";
import { MISSING_REASON } from "../../../src/exports/files/file-opener.js";
import { MissingFiles } from "../../../src/exports/files/missing-files.js";
import type { StoredFile } from "../../../src/exports/files/stored-file.js";
import { LocalBlobStore } from "../../../src/storage/local-blob-store.js";
import { makeTempDir, pyInspect, writeZip } from "../zip/zip-test-utils.js";

let tmp: { dir: string; cleanup: () => Promise<void> };
let blobs: LocalBlobStore;

beforeEach(async () => {
  tmp = await makeTempDir();
  blobs = new LocalBlobStore(join(tmp.dir, "blobs"));
});
afterEach(() => tmp.cleanup());

async function stored(id: string, body: string, sizeBytes = Buffer.byteLength(body)): Promise<StoredFile> {
  const storageKey = `files/${id}`;
  await blobs.put(storageKey, Buffer.from(body));
  return { attachmentId: id, storageKey, fileName: `${id}.txt`, sizeBytes, path: `docs/${id}.txt` };
}

describe("copyFiles", () => {
  it("yields every item in order with the reason its file is not in the zip", async () => {
    const a = await stored("a", "alpha");
    const b = await stored("b", "beta", 99); // recorded size differs from storage
    const c: StoredFile = {
      attachmentId: "c",
      storageKey: "files/c",
      fileName: "c.txt",
      sizeBytes: 1,
      path: "docs/c.txt",
    };
    const items = [
      { n: 1, file: a },
      { n: 2, file: null },
      { n: 3, file: b },
      { n: 4, file: c },
    ];
    const warnings: ExportWarning[] = [];
    const list = new MissingFiles(join(tmp.dir, "missing.jsonl"));
    const seen: [number, string | null][] = [];
    const ctx = { blobs, warn: (w: ExportWarning) => warnings.push(w), signal: new AbortController().signal };

    const zipPath = join(tmp.dir, "out.zip");
    await writeZip(zipPath, async (zip) => {
      async function* source() {
        yield* items;
      }
      const copied = copyFiles(ctx, zip, source(), {
        fileOf: (i) => i.file,
        missing: { list, part: "files" },
      });
      for await (const { item, skipped } of copied) seen.push([item.n, skipped]);
    });
    await list.close();

    const sizeReason = "size in storage (4 bytes) differs from the recorded size (99 bytes)";
    expect(seen).toEqual([
      [1, null],
      [2, null],
      [3, sizeReason],
      [4, MISSING_REASON],
    ]);
    expect(warnings.map((w) => [w.id, w.path, w.reason])).toEqual([
      ["b", "docs/b.txt", sizeReason],
      ["c", "docs/c.txt", MISSING_REASON],
    ]);
    const listed = [];
    for await (const m of list.read()) listed.push(m);
    expect(listed).toEqual([
      { part: "files", attachment_id: "b", path: "docs/b.txt", reason: sizeReason },
      { part: "files", attachment_id: "c", path: "docs/c.txt", reason: MISSING_REASON },
    ]);
    const { entries } = await pyInspect(zipPath);
    expect(entries.map((e) => [e.name, e.sha256])).toEqual([
      ["docs/a.txt", crypto.createHash("sha256").update("alpha").digest("hex")],
    ]);
  });

  it("without a missing-files list, still warns and says why", async () => {
    const gone: StoredFile = {
      attachmentId: "g",
      storageKey: "files/g",
      fileName: "g",
      sizeBytes: 3,
      path: "g",
    };
    const warnings: ExportWarning[] = [];
    const ctx = { blobs, warn: (w: ExportWarning) => warnings.push(w), signal: new AbortController().signal };
    const seen: (string | null)[] = [];
    await writeZip(join(tmp.dir, "out.zip"), async (zip) => {
      async function* source() {
        yield gone;
      }
      for await (const { skipped } of copyFiles(ctx, zip, source(), { fileOf: (f) => f })) seen.push(skipped);
    });
    expect(seen).toEqual([MISSING_REASON]);
    expect(warnings).toHaveLength(1);
  });
});
