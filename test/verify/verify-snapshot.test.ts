/**
 * `hirevault verify` of a snapshot (docs/EXPORTS.md#the-snapshot, docs/EXPORTS.md#integrity,
 * docs/EXPORTS.md#verifying-an-export) made by the snapshot format itself on a seeded SQLite
 * account (one CV missing from storage), then damaged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshotFormat } from "../../src/exports/formats/snapshot/index.js";
import { SNAPSHOT_FILES } from "../../src/exports/formats/snapshot/layout.js";
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

describe("verify a snapshot", () => {
  let fx: Fixture;
  let fresh: () => ExportFiles;
  let file: string;

  beforeAll(async () => {
    fx = await seedWithMissingCv();
    fresh = await makeExport(fx, snapshotFormat);
    const names = await zipNames(fresh().snapshot!);
    file = names.find((n) => /^files\/[^/]+\/[^/]+$/.test(n) && !n.endsWith(".csv"))!;
    expect(file).toBeDefined();
  });

  afterAll(async () => {
    removeExports();
    await fx?.cleanup();
  });

  it("an intact snapshot: every check holds, the missing CV is listed", async () => {
    const report = await verifyExport(fresh().snapshot!);
    expect(failures(report)).toEqual([]);
    expect(report).toMatchObject({ ok: true, kind: "snapshot", problems: 0 });
    const text = report.checks.map((c) => `${c.subject}: ${c.message}`).join("\n");
    expect(text).toContain(`every CSV of the layout present (${SNAPSHOT_FILES.length})`);
    expect(text).toMatch(/persons\/persons\.csv in .*: \d+ rows as manifest\.json says; size/);
    expect(text).toMatch(
      /datapackage\.json in .*: \d+ resources: path, bytes and hash of each as the CSV read/,
    );
    expect(text).toMatch(
      /files\/ in .*: \d+ files with the size and SHA-256 of their row; 1 file missing from storage/,
    );
  });

  it("one flipped byte in a file: not ok, naming it (CRC-32 and its row's SHA-256)", async () => {
    const { snapshot } = fresh();
    await tamper("flip", snapshot!, file);
    const report = await verifyExport(snapshot!);
    const text = failures(report).join("\n");
    expect(report.ok).toBe(false);
    expect(text).toContain(`${file} in Acme-Corp-snapshot-`);
    expect(text).toMatch(/CRC-32 mismatch/);
    expect(text).toMatch(/SHA-256 is [0-9a-f]{64}, but its row in .* says [0-9a-f]{64}/);
  });

  it("a truncated zip: not ok, one failure naming it", async () => {
    const { snapshot } = fresh();
    truncate(snapshot!);
    const report = await verifyExport(snapshot!);
    expect(report.ok).toBe(false);
    expect(failures(report)).toEqual([expect.stringMatching(/^Acme-Corp-snapshot-.*\.zip: /)]);
  });

  it("one CSV record removed (re-zipped, CRCs valid): not ok, naming the CSV's count and hash", async () => {
    const { snapshot } = fresh();
    await tamper("drop-row", snapshot!, "persons/emails.csv");
    const text = failures(await verifyExport(snapshot!)).join("\n");
    expect(text).toMatch(/persons\/emails\.csv in .*: manifest\.json says \d+ rows, the file has \d+/);
    expect(text).toMatch(/persons\/emails\.csv in .*: SHA-256 is [0-9a-f]{64}, manifest\.json says/);
    expect(text).toMatch(/datapackage\.json in .*: persons\/emails\.csv: hash is sha256:/);
  });

  it("an extra entry, and a file without its row: not ok, naming each", async () => {
    const { snapshot } = fresh();
    await tamper("add-entry", snapshot!, "notes.txt");
    await tamper("add-entry", snapshot!, "files/0000/extra.pdf");
    const text = failures(await verifyExport(snapshot!)).join("\n");
    expect(text).toMatch(/^notes\.txt in .*: extra: neither manifest\.json/m);
    expect(text).toMatch(/^files\/0000\/extra\.pdf in .*: extra: no row of companies\/documents\.csv/m);
  });

  it("a file removed (re-zipped): not ok, naming the row that names it", async () => {
    const { snapshot } = fresh();
    await tamper("drop-entry", snapshot!, file);
    const text = failures(await verifyExport(snapshot!)).join("\n");
    expect(text).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} in .*: absent, but .* names it`, "m"),
    );
  });
});
