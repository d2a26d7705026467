/**
 * An entry that inflates past its declared size (central directory and local header both
 * understate it) is a clean refusal every time: an ImportError naming the entry, nothing stored,
 * and never an unhandled 'error' event. The event used to escape when the entry failed before the
 * store had subscribed to the bytes — a local store whose folder does not exist yet creates it
 * first, so every import into a new data folder hit it on its first file (a company document).
 * Each attempt here writes to a store in a folder that does not exist yet.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AttachmentFiles, type FileToCopy } from "../../src/import/attachment-files.js";
import { ImportError } from "../../src/import/import-error.js";
import { importSnapshot } from "../../src/import/import-snapshot.js";
import { SnapshotArchive } from "../../src/import/snapshot-archive.js";
import { LocalBlobStore } from "../../src/storage/local-blob-store.js";
import { type Fixture, seedFixture } from "../exports/formats/helpers.js";
import { DIALECTS } from "../support/dialects.js";
import { snapshotFile } from "./snapshot-file.js";
import { readSnapshot } from "./snapshot-reader.js";
import { understateSize } from "./tamper.js";

const ATTEMPTS = 20;
/** Lets an 'error' event still queued surface (as an uncaught exception) before the test looks. */
const settled = () => new Promise((resolve) => setImmediate(resolve));
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Every file a store holds, temp files included. */
function filesUnder(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe.each(DIALECTS)("an entry that inflates past its declared size, on %s", (dialect) => {
  let fx: Fixture;
  let dir: string;
  /** The first company document and the first other attachment, each in its own damaged zip. */
  const cases: { kind: string; zip: string; file: FileToCopy }[] = [];
  /** Errors that reached the process instead of the import. */
  const escaped: unknown[] = [];
  const onEscape = (err: unknown) => escaped.push(err);

  /** A local store in a folder that does not exist yet (its first put creates it). */
  const freshStore = () => {
    const root = path.join(fs.mkdtempSync(path.join(dir, "store-")), "blobs");
    return { root, blobs: new LocalBlobStore(root) };
  };

  beforeAll(async () => {
    fx = await seedFixture(dialect, 12);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hv-entry-overflow-"));
    const snapshot = await snapshotFile(fx, dir);
    const { csvs } = await readSnapshot(snapshot);
    for (const [kind, csvPath] of [
      ["company document", "companies/documents.csv"],
      ["attachment", "files/attachments.csv"],
    ] as const) {
      const { header, rows } = csvs.get(csvPath)!;
      const at = rows.findIndex((r) => r[header.indexOf("path")] !== null);
      expect(at).toBeGreaterThanOrEqual(0);
      const row = Object.fromEntries(header.map((h, i) => [h, rows[at]![i]]));
      const entry = String(row.path);
      const zip = path.join(dir, `${kind.replace(" ", "-")}.zip`);
      understateSize(snapshot, zip, [entry]);
      cases.push({ kind, zip, file: { row, path: entry, csvPath, line: at + 2 } });
    }
  }, 60_000);

  afterAll(async () => {
    await fx?.cleanup();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    escaped.length = 0;
    process.on("uncaughtException", onEscape);
  });
  afterEach(() => {
    process.off("uncaughtException", onEscape);
  });

  it.each(["company document", "attachment"])(
    "copying the bytes of the %s entry is refused, naming it, every time",
    async (kind) => {
      const { zip, file } = cases.find((c) => c.kind === kind)!;
      const named = new RegExp(
        `^${literal(file.path)}: does not match its declared size of \\d+ bytes .* \\(${literal(file.csvPath)} line ${file.line}\\)$`,
      );
      for (let i = 0; i < ATTEMPTS; i++) {
        const archive = await SnapshotArchive.open(zip);
        const { root, blobs } = freshStore();
        const outcome = await new AttachmentFiles(archive, blobs, fx.accountId)
          .copyAll([file])
          .then(
            () => "copied",
            (err: unknown) => err,
          )
          .finally(() => archive.close());
        await settled();
        expect(escaped, `attempt ${i + 1}`).toEqual([]);
        expect(outcome).toBeInstanceOf(ImportError);
        expect((outcome as Error).message).toMatch(named);
        expect(filesUnder(root)).toEqual([]);
      }
    },
  );

  it.each(["company document", "attachment"])(
    "importing a snapshot whose %s entry overflows is refused, naming it, every time, with nothing written",
    async (kind) => {
      const { zip, file } = cases.find((c) => c.kind === kind)!;
      for (let i = 0; i < ATTEMPTS; i++) {
        const { root, blobs } = freshStore();
        const outcome = await importSnapshot({
          db: fx.database.db,
          blobs,
          file: zip,
          accountName: "overflow",
        }).then(
          () => "imported",
          (err: unknown) => err,
        );
        await settled();
        expect(escaped, `attempt ${i + 1}`).toEqual([]);
        expect(outcome).toBeInstanceOf(ImportError);
        expect((outcome as Error).message).toMatch(
          new RegExp(
            `${literal(file.path)} in ${literal(path.basename(zip))}: does not match its declared size`,
          ),
        );
        expect(filesUnder(root)).toEqual([]);
      }
      const restored = await fx.database.db
        .selectFrom("accounts")
        .select("id")
        .where("name", "=", "overflow")
        .executeTakeFirst();
      expect(restored).toBeUndefined();
    },
  );
});
