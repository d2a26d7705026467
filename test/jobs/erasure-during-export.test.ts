/**
 * Candidates deleted while an export runs (docs/EXPORTS.md, "Deleted files and running exports"):
 * an export whose read snapshot predates a delete still lists that candidate, so the files must
 * stay readable until it ends — then they are erased, without waiting for exports that started
 * after the delete. The export is paused deterministically inside its snapshot by a blob store
 * that blocks the first read of an attachment until released (no sleeps); meanwhile candidates
 * with CVs are deleted through the service (which erases after commit) and the worker's sweep
 * runs. Runs go through `ExportRunner.runById`, the path `hirevault export` takes (it claims its
 * run like a worker). Every format, on SQLite and PostgreSQL.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/domain/clock.js";
import type { ExportFormatId } from "../../src/exports/export-format.js";
import { ExportRunner } from "../../src/jobs/export-runner.js";
import type { ExportRun } from "../../src/repositories/export-run.repository.js";
import { BlobErasureService } from "../../src/services/blob-erasure.service.js";
import { ExportService } from "../../src/services/export.service.js";
import type { WriteContext } from "../../src/services/write-context.js";
import type { BlobInfo, BlobStore } from "../../src/storage/blob-store.js";
import { verifyExport } from "../../src/verify/verify-export.js";
import { col, extract, type Fixture, readSheet, seedFixture } from "../exports/formats/helpers.js";
import { DIALECTS } from "../support/dialects.js";
import { readCsvFile, readExport, readMachineExport, records } from "../support/read-export.js";
import { silent } from "./helpers.js";

/**
 * The real store, except that the first call matching `blocks` waits until {@link release}:
 * `entered` resolves when it has started waiting (the export is then paused where it called).
 */
class GatedBlobStore implements BlobStore {
  readonly kind: BlobStore["kind"];
  readonly entered: Promise<void>;
  private enter!: () => void;
  private open!: () => void;
  private readonly opened = new Promise<void>((resolve) => {
    this.open = resolve;
  });
  private waited = false;

  constructor(
    private readonly real: BlobStore,
    private readonly blocks: (op: "head" | "get" | "list", key: string) => boolean,
  ) {
    this.kind = real.kind;
    this.entered = new Promise((resolve) => {
      this.enter = resolve;
    });
  }

  release(): void {
    this.open();
  }

  private async gate(op: "head" | "get" | "list", key: string): Promise<void> {
    if (this.waited || !this.blocks(op, key)) return;
    this.waited = true;
    this.enter();
    await this.opened;
  }

  put: BlobStore["put"] = (key, body, opts) => this.real.put(key, body, opts);
  delete: BlobStore["delete"] = (key) => this.real.delete(key);
  listFolders: BlobStore["listFolders"] = (prefix) => this.real.listFolders(prefix);
  deleteMany: BlobStore["deleteMany"] = (keys) => this.real.deleteMany(keys);
  removeAbandonedWrites: BlobStore["removeAbandonedWrites"] = (before) =>
    this.real.removeAbandonedWrites(before);

  async head(key: string): Promise<BlobInfo | null> {
    await this.gate("head", key);
    return this.real.head(key);
  }

  async get(key: string, range?: Parameters<BlobStore["get"]>[1]): Promise<Readable> {
    await this.gate("get", key);
    return this.real.get(key, range);
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    await this.gate("list", prefix);
    yield* this.real.list(prefix);
  }

  /** Gated as a "list": both walk the files under a prefix. */
  async *scan(prefix: string): AsyncIterable<BlobInfo> {
    await this.gate("list", prefix);
    yield* this.real.scan(prefix);
  }
}

describe.each(DIALECTS)("files of candidates deleted while an export runs (%s)", (dialect) => {
  let fx: Fixture;
  let ctx: WriteContext;
  let exports: ExportService;
  let tmpRoot: string;
  const never = new AbortController().signal;
  /** Persons deleted so far (each test takes fresh ones). */
  const taken = new Set<string>();

  beforeAll(async () => {
    fx = await seedFixture(dialect, 40);
    ctx = { accountId: fx.accountId, actor: { type: "system", id: null, role: "owner" } };
    exports = new ExportService(fx.database.db, systemClock);
    tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "hv-erasure-tmp-"));
    // The seed leaves an invoice pending, which would hold the full export (docs/EXPORTS.md).
    await fx.database.db
      .updateTable("invoices")
      .set({ status: "paid" })
      .where("account_id", "=", fx.accountId)
      .where("status", "=", "pending")
      .execute();
  }, 120_000);

  afterAll(async () => {
    if (tmpRoot) fs.rmSync(tmpRoot, { recursive: true, force: true });
    await fx?.cleanup();
  });

  const attachmentKeys = (key: string) => key.startsWith(`accounts/${fx.accountId}/attachments/`);

  function runner(blobs: BlobStore, owner: string): ExportRunner {
    return new ExportRunner({
      database: fx.database,
      blobs,
      clock: systemClock,
      logger: silent,
      tmpRoot,
      owner,
      leaseMs: 60_000,
      heartbeatMs: 60_000,
    });
  }

  /** `n` persons not deleted yet who have an internal CV, with the storage keys of all their files. */
  async function victims(n: number): Promise<{ personId: string; cvId: string; keys: string[] }[]> {
    const cvs = await fx.database.db
      .selectFrom("attachments")
      .select(["id", "entity_id"])
      .where("account_id", "=", fx.accountId)
      .where("entity_type", "=", "person")
      .where("internal_cv", "=", true)
      .orderBy("entity_id")
      .orderBy("id")
      .execute();
    const out: { personId: string; cvId: string; keys: string[] }[] = [];
    for (const cv of cvs) {
      if (taken.has(cv.entity_id) || out.some((v) => v.personId === cv.entity_id)) continue;
      const files = await fx.database.db
        .selectFrom("attachments")
        .select("storage_key")
        .where("account_id", "=", fx.accountId)
        .where("entity_type", "=", "person")
        .where("entity_id", "=", cv.entity_id)
        .execute();
      out.push({ personId: cv.entity_id, cvId: cv.id, keys: files.map((f) => f.storage_key) });
      if (out.length === n) break;
    }
    expect(out).toHaveLength(n);
    for (const v of out) taken.add(v.personId);
    return out;
  }

  async function deleteAll(list: { personId: string }[]): Promise<void> {
    for (const v of list) await fx.services.entities.delete(ctx, "persons", v.personId);
  }

  async function existing(keys: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const k of keys) if (await fx.services.blobs.head(k)) out.push(k);
    return out;
  }

  /** Storage keys queued for erasure in the account (a person's delete takes every file under it). */
  async function queued(): Promise<string[]> {
    const rows = await fx.database.db
      .selectFrom("pending_blob_deletions")
      .select("storage_key")
      .where("account_id", "=", fx.accountId)
      .orderBy("storage_key")
      .execute();
    return rows.map((r) => r.storage_key);
  }

  /** Copies a run's files out of storage under their file names; returns them by part. */
  async function saveFiles(run: ExportRun): Promise<Record<string, string>> {
    const dir = fs.mkdtempSync(path.join(tmpRoot, "files-"));
    const files: Record<string, string> = {};
    for (const a of await exports.runs.artifacts(fx.accountId, [run.id])) {
      files[a.part] = path.join(dir, a.file_name);
      await pipeline(await fx.services.blobs.get(a.storage_key), fs.createWriteStream(files[a.part]!));
    }
    return files;
  }

  it.each(["backup", "full", "snapshot"] as const)(
    "%s: candidates deleted after its snapshot opened keep their files in it; erased once it ends",
    async (format: ExportFormatId) => {
      const gate = new GatedBlobStore(fx.services.blobs, (op, key) => op !== "list" && attachmentKeys(key));
      const { run } = await exports.request(ctx, format, "cli");
      expect(run.state).toBe("queued");
      const running = runner(gate, `worker-${format}`).runById(run.id, never);
      let keys: string[];
      let deleted: Awaited<ReturnType<typeof victims>>;
      let done: ExportRun;
      try {
        await gate.entered; // paused inside its read snapshot, at its first attachment read
        deleted = await victims(3);
        await deleteAll(deleted); // each delete erases right after its commit…
        await new BlobErasureService(fx.database.db, fx.services.blobs).eraseQueued(); // …and the sweep runs
        keys = await queued();
        expect(keys).toEqual(expect.arrayContaining(deleted.flatMap((v) => v.keys)));
        expect(await existing(keys)).toEqual(keys); // still readable for the paused export
      } finally {
        gate.release();
        // Even when a check above failed: the next test must not find this run still active.
        done = (await running)!;
      }
      expect(done).toMatchObject({ state: "succeeded", error: null, warnings: null });
      const files = await saveFiles(done);
      const target = format === "full" ? files.master! : files[format]!;
      const report = await verifyExport(target);
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      expect(report.ok).toBe(true);

      // The deleted candidates' CVs are in the export, with their bytes.
      if (format === "snapshot") {
        const snap = await readMachineExport(files.snapshot!);
        const rows = snap.csv["files/attachments.csv"]!.rows;
        const [header, ...body] = rows;
        const at = (r: (string | null)[], c: string) => r[header!.indexOf(c)];
        for (const v of deleted) {
          const row = body.find((r) => at(r, "id") === v.cvId);
          expect(at(row!, "path"), v.cvId).toMatch(new RegExp(`^files/${v.cvId}/`));
        }
        expect((snap.json["manifest.json"] as { missing_files_count: number }).missing_files_count).toBe(0);
      } else if (format === "full") {
        const dir = extract(files.data!);
        const rows = records(await readCsvFile(path.join(dir, "Attachments.csv")));
        for (const v of deleted) {
          const row = rows.find((r) => r["Attachment ID"] === v.cvId)!;
          expect(row["File Status"], v.cvId).toBe("included");
        }
        fs.rmSync(dir, { recursive: true, force: true });
      } else {
        const names = new Set((await readExport(files.backup!)).entries.map((e) => e.name));
        const xlsx = extract(files.backup!);
        const sheet = readSheet(extract(path.join(xlsx, "Candidates.xlsx")));
        const idCol = col(sheet.header.indexOf("Candidate ID"));
        const fileCol = col(sheet.header.indexOf("Resume File"));
        for (const v of deleted) {
          const rows = sheet.rows.filter((r) => r.get(idCol)?.value === v.personId);
          expect(rows.length, v.personId).toBeGreaterThan(0);
          for (const r of rows) expect(names.has(r.get(fileCol)!.value), v.personId).toBe(true);
        }
        fs.rmSync(xlsx, { recursive: true, force: true });
      }

      // The export is over: its files are erased now, not at some later sweep.
      expect(await existing(keys)).toEqual([]);
      expect(await queued()).toEqual([]);
    },
    120_000,
  );

  it("an export claimed after the delete does not hold its files", async () => {
    const first = new GatedBlobStore(fx.services.blobs, (op, key) => op !== "list" && attachmentKeys(key));
    const second = new GatedBlobStore(fx.services.blobs, (op, key) => op !== "list" && attachmentKeys(key));
    const a = await exports.request(ctx, "snapshot", "cli");
    const snapshotRun = runner(first, "worker-a").runById(a.run.id, never);
    let backupRun: Promise<ExportRun | undefined> | undefined;
    try {
      await first.entered;
      await deleteAll(await victims(2));
      const keys = await queued();
      expect(await existing(keys)).toEqual(keys); // held by the snapshot, which predates the delete

      // A backup claimed now (after the delete) runs, and stays paused, while the snapshot ends.
      const b = await exports.request(ctx, "backup", "cli");
      backupRun = runner(second, "worker-b").runById(b.run.id, never);
      await second.entered;
      first.release();
      expect(await snapshotRun).toMatchObject({ state: "succeeded", warnings: null });
      expect(await existing(keys)).toEqual([]); // erased although the backup still runs
      expect(await queued()).toEqual([]);
    } finally {
      first.release();
      second.release();
      await snapshotRun;
      await backupRun;
    }
    // The backup's snapshot never saw the deleted candidates: nothing missing.
    expect(await backupRun).toMatchObject({ state: "succeeded", warnings: null });
  }, 120_000);

  it("holds from the claim: a delete between claim and snapshot is held too, then erased", async () => {
    // The runner lists the run's old attempt files right after the claim, before it opens its
    // snapshot: blocking that list pauses the export in the window between the two.
    const gate = new GatedBlobStore(
      fx.services.blobs,
      (op, key) => op === "list" && key.includes("/exports/"),
    );
    const { run } = await exports.request(ctx, "snapshot", "cli");
    const running = runner(gate, "worker-window").runById(run.id, never);
    let keys: string[];
    let done: ExportRun | undefined;
    try {
      await gate.entered;
      await deleteAll(await victims(1));
      await new BlobErasureService(fx.database.db, fx.services.blobs).eraseQueued();
      keys = await queued();
      expect(keys.length).toBeGreaterThan(0);
      expect(await existing(keys)).toEqual(keys);
    } finally {
      gate.release();
      done = await running;
    }
    expect(done).toMatchObject({ state: "succeeded", warnings: null });
    expect(await existing(keys)).toEqual([]);
    expect(await queued()).toEqual([]);
  }, 120_000);

  it("without a running export, a delete erases its files at once", async () => {
    const deleted = await victims(1);
    await deleteAll(deleted);
    expect(await existing(deleted[0]!.keys)).toEqual([]);
    expect(await queued()).toEqual([]);
  });
});
