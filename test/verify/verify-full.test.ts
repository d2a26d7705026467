/**
 * `hirevault verify` of the full data export (docs/EXPORTS.md#the-full-data-export,
 * docs/EXPORTS.md#integrity; docs/EXPORTS.md#verifying-an-export) made by the full format itself on
 * a seeded SQLite account (one CV missing from storage), then damaged: from the master CSV, its
 * directory, or the Data Files zip alone.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fullFormat } from "../../src/exports/formats/full/index.js";
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

describe("verify a full data export", () => {
  let fx: Fixture;
  let fresh: () => ExportFiles;
  let cv: string;

  beforeAll(async () => {
    fx = await seedWithMissingCv();
    fresh = await makeExport(fx, fullFormat);
    cv = (await zipNames(fresh().cvs!))[0]!;
  });

  afterAll(async () => {
    removeExports();
    await fx?.cleanup();
  });

  it("an intact export, from its master CSV or its directory: every check holds", async () => {
    const files = fresh();
    for (const target of [files.master!, path.dirname(files.master!)]) {
      const report = await verifyExport(target);
      expect(failures(report), target).toEqual([]);
      expect(report).toMatchObject({ ok: true, kind: "full" });
      const text = report.checks.map((c) => `${c.subject}: ${c.message}`).join("\n");
      for (const part of ["data", "attachments", "cvs"])
        expect(text).toContain(`${path.basename(files[part]!)}: size and SHA-256 as the master CSV says`);
      expect(text).toMatch(
        /Users\.csv in .*: \d+ rows as manifest\.json says; size .* and SHA-256 as manifest\.json says/,
      );
      expect(text).toMatch(/missing_files lists the 1 file without a path in Attachments\.csv/);
      expect(text).toMatch(/internal-cvs-.*\.zip: \d+ files with the size and SHA-256 of Attachments\.csv/);
      expect(report.notes.join("\n")).toMatch(/Link and Link Expires At are not checked/);
    }
  });

  it("the Data Files zip alone: checked with the parts beside it; an absent part is a note", async () => {
    const files = fresh();
    expect((await verifyExport(files.data!)).ok).toBe(true);
    fs.rmSync(files.attachments!);
    const report = await verifyExport(files.data!);
    expect(failures(report)).toEqual([]);
    expect(report.notes.join("\n")).toContain(
      `${path.basename(files.attachments!)} (Attachments) is not next to`,
    );
  });

  it("a part missing beside the master CSV: not ok, naming it", async () => {
    const files = fresh();
    fs.rmSync(files.attachments!);
    const report = await verifyExport(files.master!);
    expect(report.ok).toBe(false);
    expect(failures(report).join("\n")).toContain(
      `${path.basename(files.attachments!)}: absent: the master CSV lists it (Attachments)`,
    );
  });

  it("one flipped byte in a CV: not ok, naming that CV (CRC-32 and SHA-256) and its zip", async () => {
    const files = fresh();
    await tamper("flip", files.cvs!, cv);
    const report = await verifyExport(files.master!);
    const text = failures(report).join("\n");
    const zip = path.basename(files.cvs!);
    expect(report.ok).toBe(false);
    expect(text).toContain(`${cv} in ${zip}: CRC-32 mismatch`);
    expect(text).toMatch(new RegExp(`${zip}: SHA-256 is [0-9a-f]{64}, the master CSV says`));
    expect(text).toMatch(new RegExp(`${zip}: SHA-256 is [0-9a-f]{64}, manifest.json says`));
  });

  it("a truncated zip: not ok, one failure naming it", async () => {
    const files = fresh();
    truncate(files.data!);
    const report = await verifyExport(files.data!);
    expect(report.ok).toBe(false);
    expect(failures(report)).toEqual([expect.stringMatching(/^Acme-Corp-data-files-.*\.zip: .*/)]);
    // From the master CSV: the size and hash differ too.
    expect((await verifyExport(files.master!)).ok).toBe(false);
  });

  it("one CSV record removed (re-zipped, CRCs valid): not ok, naming the CSV's count and hash", async () => {
    const files = fresh();
    await tamper("drop-row", files.data!, "Users.csv");
    const report = await verifyExport(files.data!);
    const text = failures(report).join("\n");
    expect(report.ok).toBe(false);
    expect(text).toMatch(/Users\.csv in .*: manifest\.json says \d+ rows, the file has \d+/);
    expect(text).toMatch(/Users\.csv in .*: SHA-256 is [0-9a-f]{64}, manifest\.json says/);
  });

  it("a master CSV with a wrong SHA-256: not ok, naming the file", async () => {
    const files = fresh();
    const master = fs.readFileSync(files.master!, "utf8");
    const data = path.basename(files.data!);
    const line = master.split("\r\n").find((l) => l.includes(data))!;
    const sha = /[0-9a-f]{64}/.exec(line)![0];
    const wrong = `${sha.slice(0, -1)}${sha.endsWith("0") ? "1" : "0"}`;
    fs.writeFileSync(files.master!, master.replace(sha, wrong));
    const report = await verifyExport(files.master!);
    expect(failures(report)).toEqual([`${data}: SHA-256 is ${sha}, the master CSV says ${wrong}`]);
  });
});
