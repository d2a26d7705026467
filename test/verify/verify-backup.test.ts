/**
 * `hirevault verify` of a monthly backup (docs/EXPORTS.md#the-monthly-backup,
 * docs/EXPORTS.md#integrity; docs/EXPORTS.md#verifying-an-export) made by the backup format itself
 * on a seeded SQLite account, then damaged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupFormat } from "../../src/exports/formats/backup/index.js";
import { verifyExport } from "../../src/verify/verify-export.js";
import type { Fixture } from "../exports/formats/helpers.js";
import {
  type ExportFiles,
  failures,
  makeExport,
  removeExports,
  seedWithMissingCv,
  tamper,
  truncate,
  zipNames,
} from "./helpers.js";

describe("verify a monthly backup", () => {
  let fx: Fixture;
  let fresh: () => ExportFiles;
  let cv: string;

  beforeAll(async () => {
    fx = await seedWithMissingCv();
    fresh = await makeExport(fx, backupFormat);
    const names = await zipNames(fresh().backup!);
    cv = names.find((n) => n.startsWith("Resumes/") && !n.endsWith("/"))!;
    expect(cv).toBeDefined();
  });

  afterAll(async () => {
    removeExports();
    await fx?.cleanup();
  });

  it("an intact backup (one CV was missing from storage): every check holds; notes say what is not checked", async () => {
    const { backup } = fresh();
    const report = await verifyExport(backup!);
    expect(failures(report)).toEqual([]);
    expect(report).toMatchObject({ ok: true, kind: "backup", problems: 0 });
    const text = report.checks.map((c) => `${c.subject}: ${c.message}`).join("\n");
    expect(text).toMatch(/exactly Candidates\.xlsx and Resumes\/ at its root/);
    expect(text).toMatch(/Candidates\.xlsx in .*: \d+ rows in 1 sheet \(Candidates\)/);
    expect(text).toMatch(/\d+ CVs under Resumes\/, each named by one row's Resume File/);
    expect(report.notes.join("\n")).toMatch(/no manifest .* CRC-32 of each entry is the hash checked/);
    expect(report.notes.join("\n")).toMatch(/1 CV was missing from storage when the backup was made/);
  });

  it("one flipped byte in a CV: not ok, naming that CV", async () => {
    const { backup } = fresh();
    await tamper("flip", backup!, cv);
    const report = await verifyExport(backup!);
    expect(report.ok).toBe(false);
    expect(failures(report).join("\n")).toContain(`${cv} in `);
    expect(failures(report).join("\n")).toMatch(/CRC-32 mismatch/);
  });

  it("a truncated zip: not ok, one failure naming the archive", async () => {
    const { backup } = fresh();
    truncate(backup!);
    const report = await verifyExport(backup!);
    expect(report.ok).toBe(false);
    expect(report.kind).toBeNull();
    expect(failures(report)).toHaveLength(1);
    expect(failures(report)[0]).toContain("Acme-Corp-backup-");
  });

  it("a CV removed (re-zipped, CRCs valid): not ok, naming the row's Resume File", async () => {
    const { backup } = fresh();
    await tamper("drop-entry", backup!, cv);
    const report = await verifyExport(backup!);
    expect(report.ok).toBe(false);
    expect(failures(report).join("\n")).toContain(`Resume File "${cv}" is not a file under Resumes/`);
  });

  it("an extra item at the root: not ok, naming it", async () => {
    const { backup } = fresh();
    await tamper("add-entry", backup!, "notes.txt");
    const report = await verifyExport(backup!);
    expect(failures(report)).toEqual([
      expect.stringMatching(
        /^notes\.txt in .*: extra: a backup holds exactly Candidates\.xlsx and Resumes\//,
      ),
    ]);
  });
});
