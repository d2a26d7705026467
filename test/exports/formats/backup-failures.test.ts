/**
 * The backup under failure (docs/EXPORTS.md#integrity, docs/EXPORTS.md#export-runs): what is not
 * fatal (a CV missing or of the wrong size) is warned about and left out; what is (a storage read
 * error, a stream dying half-way, a failed upload, an abort) rejects the write with the cause,
 * leaving no unhandled rejection behind. Real database and local blob store; failures are injected
 * around them.
 */
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExportContext } from "../../../src/exports/export-format.js";
import { backupFormat } from "../../../src/exports/formats/backup/index.js";
import { DIALECTS } from "../../support/dialects.js";
import { pyInspect, unzipTest } from "../zip/zip-test-utils.js";
import { type Fixture, failingStore, latestCvs, runFormat, seedFixture } from "./helpers.js";

describe.each(DIALECTS)("backup failures on %s", (dialect) => {
  let fx: Fixture;
  let keys: string[];

  beforeAll(async () => {
    fx = await seedFixture(dialect, 30);
    keys = [...(await latestCvs(fx.database.db, fx.accountId)).values()].map((c) => c.storage_key);
  });

  afterAll(async () => {
    await fx?.cleanup();
  });

  it("a CV whose size in storage differs from its row is left out with a warning", async () => {
    const cvs = await latestCvs(fx.database.db, fx.accountId);
    const [personId, cv] = [...cvs.entries()][3]!;
    await fx.services.blobs.put(cv.storage_key, Buffer.from("not the CV"));
    const run = await runFormat(fx, backupFormat);
    expect(run.warnings.length).toBeGreaterThan(0);
    for (const w of run.warnings) {
      expect(w).toMatchObject({ entity: "attachment", id: cv.id });
      expect(w.reason).toMatch(/size in storage \(10 bytes\) differs/);
    }
    await unzipTest(run.artifacts[0]!.path);
    const { entries } = await pyInspect(run.artifacts[0]!.path);
    expect(entries.some((e) => e.sha256 === cv.sha256 || e.file_size === 10)).toBe(false);
    expect(personId).toBeTruthy();
  });

  it("a storage error other than not-found rejects the export (the job layer retries)", async () => {
    const blobs = failingStore(fx.services.blobs, (_k, n) =>
      n === 3 ? Promise.reject(Object.assign(new Error("EIO: disk read error"), { code: "EIO" })) : null,
    );
    await expect(runFormat(fx, backupFormat, { blobs })).rejects.toThrow("EIO");
  });

  it("a CV stream dying half-way rejects; no half-written archive is saved", async () => {
    const blobs = failingStore(fx.services.blobs, (key, n) => {
      if (n !== 2) return null;
      const dying = new Readable({ read() {} });
      dying.push(Buffer.alloc(100));
      setImmediate(() => dying.destroy(Object.assign(new Error("ECONNRESET"), { code: "ECONNRESET" })));
      expect(keys).toContain(key);
      return Promise.resolve(dying);
    });
    await expect(runFormat(fx, backupFormat, { blobs })).rejects.toThrow("ECONNRESET");
  });

  it("a failed upload rejects with the upload's error and stops writing", async () => {
    let reads = 0;
    const saveArtifact: ExportContext["saveArtifact"] = async (_spec, body) => {
      for await (const _ of body) {
        if (++reads === 2) throw new Error("S3 500: upload failed");
      }
      throw new Error("unreachable");
    };
    await expect(runFormat(fx, backupFormat, { saveArtifact })).rejects.toThrow("S3 500: upload failed");
  });

  it("an abort mid-export rejects with the abort reason", async () => {
    const controller = new AbortController();
    const blobs = failingStore(fx.services.blobs, (_k, n) => {
      if (n === 4) controller.abort(new Error("lease lost"));
      return null;
    });
    await expect(runFormat(fx, backupFormat, { blobs, signal: controller.signal })).rejects.toThrow(
      "lease lost",
    );
    const before = new AbortController();
    before.abort(new Error("worker stopping"));
    await expect(runFormat(fx, backupFormat, { signal: before.signal })).rejects.toThrow("worker stopping");
  });

  it("an empty account still has Candidates.xlsx and Resumes/ at the root; file names are safe", async () => {
    const run = await runFormat(fx, backupFormat, { accountId: fx.otherAccountId, accountName: "" });
    expect(run.artifacts[0]!.fileName).toBe("account-backup-2026-03-31.zip");
    const empty = await runFormat(
      { ...fx, accountId: "00000000-0000-7000-8000-00000000abcd" },
      backupFormat,
      { accountName: "Zoë & Co / Ltd." },
    );
    expect(empty.artifacts[0]!.fileName).toBe("Zoe-Co-Ltd-backup-2026-03-31.zip");
    const { entries } = await pyInspect(empty.artifacts[0]!.path);
    expect(entries.map((e) => e.name)).toEqual(["Resumes/", "Candidates.xlsx"]);
    expect(empty.progress.at(-1)).toEqual([0, 0]);
  });
});
