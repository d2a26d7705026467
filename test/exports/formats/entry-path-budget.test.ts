/**
 * Every zip Hirevault writes keeps each whole entry name within 200 characters (UTF-8 bytes, so
 * UTF-16 units too), for Windows extraction (docs/EXPORTS.md, "Names"): the backup, the full
 * export's three zips, the workbook inside the backup, and the snapshot, whose `files/<id>/<name>`
 * used to reach 298. Long names are cut keeping their extension, stay unique and stable, and the
 * snapshot still verifies and imports. On the hostile seed (a `x`×300`.pdf` CV), plus a 251-
 * character PDF name and a 251-character name of two-byte letters; on SQLite and PostgreSQL.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../../src/domain/clock.js";
import { newId } from "../../../src/domain/ids.js";
import { backupFormat } from "../../../src/exports/formats/backup/index.js";
import { fullFormat } from "../../../src/exports/formats/full/index.js";
import { snapshotFormat } from "../../../src/exports/formats/snapshot/index.js";
import { MAX_ENTRY_PATH_BYTES } from "../../../src/exports/zip/safe-entry-name.js";
import { importSnapshot } from "../../../src/import/import-snapshot.js";
import { AttachmentService, attachmentKey } from "../../../src/services/attachment.service.js";
import { SYSTEM_ACTOR } from "../../../src/services/write-context.js";
import { verifyExport } from "../../../src/verify/verify-export.js";
import { DIALECTS } from "../../support/dialects.js";
import { readExport, readMachineExport } from "../../support/read-export.js";
import { extract, type FakeRun, type Fixture, runFormat, seedFixture } from "./helpers.js";

/** 251 characters + `.pdf`: `files/<id>/` in front made 298 before the budget. */
const LONG_PDF = `${"Lebenslauf-".repeat(23)}ab.pdf`;
/** 251 two-byte letters: 502 UTF-8 bytes before the cut, which must fall between letters. */
const LONG_TWO_BYTE = `${"é".repeat(251)}.docx`;

describe.each(DIALECTS)("every zip keeps its entry names within 200 (%s)", (dialect) => {
  let fx: Fixture;
  const made = new Map<string, FakeRun>();
  const longIds: Record<string, string> = {};

  beforeAll(async () => {
    fx = await seedFixture(dialect, 30);
    const person = await fx.database.db
      .selectFrom("persons")
      .select("id")
      .where("account_id", "=", fx.accountId)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const ctx = { accountId: fx.accountId, actor: SYSTEM_ACTOR };
    for (const [label, fileName] of [
      ["pdf", LONG_PDF],
      ["twoByte", LONG_TWO_BYTE],
    ] as const) {
      const id = newId();
      const bytes = Buffer.from(`bytes of ${label}`);
      const storageKey = attachmentKey(fx.accountId, id);
      await fx.services.blobs.put(storageKey, bytes);
      await new AttachmentService(fx.database.db).create(ctx, {
        id,
        entityType: "person",
        entityId: person.id,
        fileName,
        contentType: "application/octet-stream",
        sizeBytes: bytes.length,
        sha256: crypto.createHash("sha256").update(bytes).digest("hex"),
        storageKey,
        internalCv: label === "pdf",
      });
      longIds[label] = id;
    }
    for (const format of [backupFormat, fullFormat, snapshotFormat])
      made.set(format.id, await runFormat(fx, format));
  }, 180_000);

  afterAll(async () => {
    for (const run of made.values()) fs.rmSync(run.dir, { recursive: true, force: true });
    await fx?.cleanup();
  });

  /** Entry names of a zip, as Python's zipfile reads them. */
  async function names(file: string): Promise<string[]> {
    const read = await readExport(file);
    expect(read.testzip).toBeNull();
    return read.entries.map((e) => e.name);
  }

  function expectWithinBudget(entries: string[], where: string) {
    const over = entries.filter((n) => Buffer.byteLength(n, "utf8") > MAX_ENTRY_PATH_BYTES || n.length > 200);
    expect(over, where).toEqual([]);
  }

  it("the snapshot: files/<id>/<name> within 200, extension kept, the row's path naming the entry", async () => {
    const zip = made.get("snapshot")!.artifacts[0]!.path;
    const entries = await names(zip);
    expectWithinBudget(entries, "snapshot");
    const snap = await readMachineExport(zip);
    const rows = snap.csv["files/attachments.csv"]!.rows;
    const header = rows[0]!;
    const byId = new Map(rows.slice(1).map((r) => [r[header.indexOf("id")]!, r]));
    for (const [label, ext] of [
      ["pdf", ".pdf"],
      ["twoByte", ".docx"],
    ] as const) {
      const row = byId.get(longIds[label]!)!;
      const entry = row[header.indexOf("path")]!;
      expect(entry, label).toMatch(new RegExp(`^files/${longIds[label]}/[^/]+\\${ext}$`));
      expect(entries).toContain(entry);
      // The name is the original's start, cut on a character boundary (never a broken é).
      const name = entry.split("/")[2]!.slice(0, -ext.length);
      const original = label === "pdf" ? LONG_PDF : LONG_TWO_BYTE;
      expect(original.startsWith(name), label).toBe(true);
      expect(name.length).toBeGreaterThan(60);
      // file_name itself is kept whole: only the entry is shortened.
      expect(row[header.indexOf("file_name")], label).toBe(original);
    }
    // Every attachment has its own folder: unique whatever the names.
    const files = entries.filter((n) => /^files\/[^/]+\/[^/]+$/.test(n) && n !== "files/attachments.csv");
    expect(new Set(files.map((n) => n.split("/")[1])).size).toBe(files.length);
  });

  it("the same data gives the same snapshot entry names again", async () => {
    const again = await runFormat(fx, snapshotFormat);
    try {
      expect(await names(again.artifacts[0]!.path)).toEqual(
        await names(made.get("snapshot")!.artifacts[0]!.path),
      );
    } finally {
      fs.rmSync(again.dir, { recursive: true, force: true });
    }
  });

  it("the backup, its workbook and the full export's zips stay within 200 too", async () => {
    const backup = made.get("backup")!.artifacts[0]!.path;
    expectWithinBudget(await names(backup), "backup");
    const workbook = path.join(extract(backup), "Candidates.xlsx");
    expectWithinBudget(await names(workbook), "Candidates.xlsx");
    const zips = made.get("full")!.artifacts.filter((a) => a.fileName.endsWith(".zip"));
    expect(zips.map((a) => a.part).sort()).toEqual(["attachments", "cvs", "data"]);
    for (const a of zips) expectWithinBudget(await names(a.path), a.part);
  });

  it("verify accepts the shortened snapshot and import restores the files under their full names", async () => {
    const run = made.get("snapshot")!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hv-budget-"));
    try {
      const file = path.join(dir, run.artifacts[0]!.fileName);
      fs.copyFileSync(run.artifacts[0]!.path, file);
      const report = await verifyExport(file);
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      expect(report.ok).toBe(true);
      const summary = await importSnapshot({
        db: fx.database.db,
        blobs: fx.services.blobs,
        file,
        accountName: `Restored ${dialect}`,
        clock: new FixedClock(new Date("2026-11-24T12:00:00Z")),
      });
      const restored = await fx.database.db
        .selectFrom("attachments")
        .select(["file_name", "sha256", "storage_key"])
        .where("account_id", "=", summary.accountId)
        .where("file_name", "in", [LONG_PDF, LONG_TWO_BYTE])
        .execute();
      expect(restored.map((r) => r.file_name).sort()).toEqual([LONG_PDF, LONG_TWO_BYTE].sort());
      for (const r of restored) {
        const chunks: Buffer[] = [];
        for await (const c of await fx.services.blobs.get(r.storage_key)) chunks.push(c as Buffer);
        expect(crypto.createHash("sha256").update(Buffer.concat(chunks)).digest("hex")).toBe(r.sha256);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
