/**
 * The full data export (docs/EXPORTS.md#the-full-data-export, docs/EXPORTS.md#integrity,
 * docs/EXPORTS.md#names-and-cells) on a seeded account with hostile data, opened the way users'
 * tools open it: Python's zipfile and csv modules, Info-ZIP. Real database, real blob store.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unescapeFormula } from "../../../src/exports/csv/csv-dialect.js";
import { fullFormat } from "../../../src/exports/formats/full/index.js";
import { DATA_TABLES } from "../../../src/exports/formats/full/tables/index.js";
import type { ManifestHeader, ManifestMissing } from "../../../src/exports/manifest.js";
import { SYSTEM_ACTOR } from "../../../src/services/write-context.js";
import { DIALECTS } from "../../support/dialects.js";
import {
  type ReadCsv,
  type ReadExport,
  readCsvFile,
  readExport,
  records,
} from "../../support/read-export.js";
import { unzipTest } from "../zip/zip-test-utils.js";
import { type FakeRun, type Fixture, LINK_EXPIRY, runFormat, seedFixture } from "./helpers.js";

const CSV_FILES = [
  "Attachments.csv",
  "Audit_Logs.csv",
  "Candidates.csv",
  "Companies.csv",
  "Contacts.csv",
  "Folder_Records.csv",
  "Job_Pipelines.csv",
  "Jobs.csv",
  "Tasks.csv",
  "Users.csv",
];

describe.each(DIALECTS)("full export format on %s", (dialect) => {
  let fx: Fixture;
  let run: FakeRun;
  let data: ReadExport;
  let cvZip: ReadExport;
  let filesZip: ReadExport;
  let master: ReadCsv;
  let manifest: ManifestHeader & { missing_files: ManifestMissing[] };
  let deleted: { id: string; sha: string; emails: string[] };
  let lost: { id: string; fileName: string };
  const artifact = (part: string) => run.artifacts.find((a) => a.part === part)!;

  beforeAll(async () => {
    fx = await seedFixture(dialect);
    const { db } = fx.database;
    const cvs = await db
      .selectFrom("attachments")
      .select(["id", "entity_id", "sha256", "file_name", "storage_key"])
      .where("account_id", "=", fx.accountId)
      .where("internal_cv", "=", true)
      .where("entity_type", "=", "person")
      .orderBy("id")
      .execute();
    // A deleted candidate (delete is permanent, docs/ARCHITECTURE.md#data-model) and a CV lost from
    // storage (docs/EXPORTS.md#integrity).
    const gone = cvs[0]!;
    const emails = await db
      .selectFrom("person_emails")
      .select("email")
      .where("person_id", "=", gone.entity_id)
      .execute();
    deleted = { id: gone.entity_id, sha: gone.sha256, emails: emails.map((e) => e.email) };
    expect(deleted.emails.length).toBeGreaterThan(0);
    await fx.services.entities.delete(
      { accountId: fx.accountId, actor: SYSTEM_ACTOR },
      "persons",
      gone.entity_id,
    );
    const missing = cvs.find((c) => c.entity_id !== gone.entity_id)!;
    lost = { id: missing.id, fileName: missing.file_name };
    await fx.services.blobs.delete(missing.storage_key);

    run = await runFormat(fx, fullFormat, { timeZone: "Europe/Berlin" });
    data = await readExport(artifact("data").path, [...CSV_FILES]);
    cvZip = await readExport(artifact("cvs").path);
    filesZip = await readExport(artifact("attachments").path);
    master = await readCsvFile(artifact("master").path);
    const m = data.entries.find((e) => e.name === "manifest.json");
    expect(m).toBeDefined();
    const { execFileSync } = await import("node:child_process");
    manifest = JSON.parse(
      execFileSync("/usr/bin/unzip", ["-p", artifact("data").path, "manifest.json"]).toString(),
    );
  });

  afterAll(async () => {
    await fx?.cleanup();
  });

  it("saves four artifacts named after the account and the snapshot's local day; zips pass unzip -t", async () => {
    expect(run.artifacts.map((a) => [a.part, a.fileName, a.contentType])).toEqual([
      ["cvs", "Acme-Corp-internal-cvs-2026-04-01.zip", "application/zip"],
      ["attachments", "Acme-Corp-attachments-2026-04-01.zip", "application/zip"],
      ["data", "Acme-Corp-data-files-2026-04-01.zip", "application/zip"],
      ["master", "Acme-Corp-full-export-2026-04-01.csv", "text/csv; charset=utf-8"],
    ]);
    for (const part of ["cvs", "attachments", "data"]) await unzipTest(artifact(part).path);
    for (const z of [data, cvZip, filesZip]) expect(z.testzip).toBeNull();
    const last = run.progress.at(-1)!;
    expect(last[0]).toBe(last[1]);
  });

  it("the Data Files zip holds exactly the ten CSVs and manifest.json; human CSV rules hold", () => {
    expect(data.entries.map((e) => e.name)).toEqual([...CSV_FILES, "manifest.json"]);
    for (const f of CSV_FILES) {
      const csv = data.csv[f]!;
      expect(csv.bom, f).toBe(true);
      expect(csv.crlf_only, f).toBe(true);
      const header = csv.rows[0]!;
      expect(new Set(header.map((h) => h.toLowerCase())).size, f).toBe(header.length);
      for (const row of csv.rows) expect(row.length, f).toBe(header.length);
    }
  });

  it("each CSV has one row per row of its table; the manifest agrees", async () => {
    const { db } = fx.database;
    const count = async (table: string) =>
      Number(
        (
          await db
            .selectFrom(table as "persons")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("account_id", "=", fx.accountId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const rowsOf: Record<string, string | null> = {
      "Attachments.csv": "attachments",
      "Candidates.csv": "persons",
      ...Object.fromEntries(DATA_TABLES.map((t) => [t.file, t.rowsOf])),
    };
    for (const f of CSV_FILES) {
      const rows = data.csv[f]!.rows.length - 1;
      const table = rowsOf[f];
      if (table) expect(rows, f).toBe(await count(table));
      expect(manifest.tables.find((t) => t.file === f)).toEqual({
        file: f,
        rows,
        rows_of: table,
      });
      expect(rows, f).toBeGreaterThan(0);
    }
  });

  it("the manifest: format, account, snapshot, every CSV's size and hash, both file zips, missing files", () => {
    expect(manifest).toMatchObject({
      format: "hirevault.full-export",
      format_version: 1,
      account: { id: fx.accountId, name: "Acme Corp" },
      snapshot_at: "2026-03-31T22:30:00.000Z",
      missing_files_count: 1,
    });
    expect(typeof manifest.app_version).toBe("string");
    for (const e of data.entries.filter((x) => x.name !== "manifest.json")) {
      expect(manifest.files).toContainEqual({ path: e.name, size: e.size, sha256: e.sha256 });
    }
    for (const part of ["attachments", "cvs"]) {
      const a = artifact(part);
      const entries = (part === "cvs" ? cvZip : filesZip).entries.length;
      expect(manifest.parts).toContainEqual(
        expect.objectContaining({
          part,
          file_name: a.fileName,
          size: a.sizeBytes,
          sha256: a.sha256,
          entries,
        }),
      );
    }
    expect(manifest.missing_files).toEqual([
      expect.objectContaining({ part: "cvs", attachment_id: lost.id, reason: "missing from storage" }),
    ]);
    expect(run.warnings.map((w) => w.id)).toEqual([lost.id]);
  });

  it("Attachments.csv names every file's zip and path; each path holds the file with that SHA-256", async () => {
    const rows = records(data.csv["Attachments.csv"]!);
    const dbRows = await fx.database.db
      .selectFrom("attachments")
      .select(["id", "sha256", "internal_cv", "entity_type"])
      .where("account_id", "=", fx.accountId)
      .execute();
    expect(rows.map((r) => r["Attachment ID"]).sort()).toEqual(dbRows.map((r) => r.id).sort());
    const zips = { Attachments: filesZip, "Internal CVs": cvZip } as Record<string, ReadExport>;
    let included = 0;
    for (const r of rows) {
      const db = dbRows.find((d) => d.id === r["Attachment ID"])!;
      expect(r["SHA-256"]).toBe(db.sha256);
      expect(r["Zip File"]).toBe(
        db.internal_cv && db.entity_type === "person" ? "Internal CVs" : "Attachments",
      );
      if (r["Attachment ID"] === lost.id) {
        expect(r["Path in Zip"]).toBe("");
        expect(r["File Status"]).toBe("missing: missing from storage");
        continue;
      }
      expect(r["File Status"]).toBe("included");
      // A path starting with a formula trigger is escaped like any cell
      // (docs/EXPORTS.md#names-and-cells): undo it.
      const entry = zips[r["Zip File"]!]!.entries.find((e) => e.name === unescapeFormula(r["Path in Zip"]!));
      expect(entry?.sha256, r["Path in Zip"]).toBe(db.sha256);
      included++;
    }
    expect(included).toBe(cvZip.entries.length + filesZip.entries.length);
    for (const z of [cvZip, filesZip])
      for (const e of z.entries) {
        expect(e.name).toMatch(/^[^/\\]+\/[^/\\]+(\/[^/\\]+)?$/);
        expect(e.name.split("/")).not.toContain("..");
        expect(Buffer.byteLength(e.name)).toBeLessThanOrEqual(200);
      }
  });

  it("Candidates.csv: one row per person, CV paths that exist in the Internal CVs zip, formulas escaped", async () => {
    const rows = records(data.csv["Candidates.csv"]!);
    const cvNames = new Set(cvZip.entries.map((e) => e.name));
    let paths = 0;
    for (const r of rows) {
      // The cell is escaped as a whole (docs/EXPORTS.md#names-and-cells): undo that, then split.
      for (const p of unescapeFormula(r["Internal CV Files"] ?? "")
        .split("; ")
        .filter(Boolean)) {
        if (p.startsWith("[missing from storage] ")) continue;
        expect(cvNames.has(p), p).toBe(true);
        paths++;
      }
    }
    expect(paths).toBe(cvZip.entries.length);
    const persons = await fx.database.db
      .selectFrom("persons")
      .select(["id", "first_name", "last_name"])
      .where("account_id", "=", fx.accountId)
      .execute();
    const byId = new Map(persons.map((p) => [p.id, p]));
    let escaped = 0;
    for (const r of rows) {
      const p = byId.get(r["Candidate ID"]!)!;
      expect(unescapeFormula(r["First Name"]!)).toBe(p.first_name);
      expect(unescapeFormula(r["Last Name"]!)).toBe(p.last_name);
      if (/^[=+\-@\t\r\n']/.test(p.first_name)) {
        expect(r["First Name"]).toBe(`'${p.first_name}`);
        escaped++;
      }
    }
    expect(escaped).toBeGreaterThan(0);
    // No cell of any CSV starts a formula (docs/EXPORTS.md#csv-files).
    for (const f of CSV_FILES)
      for (const row of data.csv[f]!.rows.slice(1))
        for (const cell of row) expect(cell, f).not.toMatch(/^[=+\-@\t\r\n]/);
  });

  it("the master CSV: one row per part with its size, SHA-256, link and expiry with offset", () => {
    expect(master.bom).toBe(true);
    expect(master.crlf_only).toBe(true);
    const rows = records(master);
    expect(master.rows[0]).toEqual([
      "Part",
      "Description",
      "File Name",
      "Size (bytes)",
      "SHA-256",
      "Link",
      "Link Expires At",
    ]);
    expect(rows.map((r) => r.Part)).toEqual(["Data Files (CSV)", "Attachments", "Internal CVs"]);
    for (const [r, part] of rows.map((r, i) => [r, ["data", "attachments", "cvs"][i]!] as const)) {
      const a = artifact(part);
      expect(r["File Name"]).toBe(a.fileName);
      expect(Number(r["Size (bytes)"])).toBe(a.sizeBytes);
      expect(r["SHA-256"]).toBe(a.sha256);
      expect(r["SHA-256"]).toBe(crypto.createHash("sha256").update(fs.readFileSync(a.path)).digest("hex"));
      expect(r.Link).toBe(`https://links.test/${part}`);
      // 2026-04-07T22:30Z in Berlin (CEST, +02:00).
      expect(r["Link Expires At"]).toBe("2026-04-08T00:30:00+02:00");
      expect(Date.parse(r["Link Expires At"]!)).toBe(LINK_EXPIRY.getTime());
    }
  });

  it("holds nothing of the deleted candidate, of the other account, or of storage keys and token hashes", async () => {
    const { db } = fx.database;
    const keys = await db.selectFrom("attachments").select("storage_key").execute();
    const hashes = await db.selectFrom("api_tokens").select("token_hash").execute();
    const otherIds = await db
      .selectFrom("persons")
      .select("id")
      .where("account_id", "=", fx.otherAccountId)
      .execute();
    const blobs = run.artifacts.map((a) => fs.readFileSync(a.path));
    const inflated = Object.values(data.csv).map((c) => JSON.stringify(c.rows));
    const haystacks = [...blobs.map((b) => b.toString("latin1")), ...inflated];
    const needles = [
      ...deleted.emails,
      ...keys.map((k) => k.storage_key),
      ...hashes.map((h) => h.token_hash),
      ...otherIds.map((p) => p.id),
    ];
    for (const n of needles) for (const h of haystacks) expect(h.includes(n), n).toBe(false);
    // The deleted person's id is only in the audit trail (who deleted what, no personal data).
    for (const f of CSV_FILES.filter((x) => x !== "Audit_Logs.csv"))
      expect(JSON.stringify(data.csv[f]!.rows).includes(deleted.id), f).toBe(false);
    expect(cvZip.entries.some((e) => e.sha256 === deleted.sha)).toBe(false);
  });
});
