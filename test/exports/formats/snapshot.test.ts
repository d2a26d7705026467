/**
 * The snapshot (docs/EXPORTS.md#the-snapshot, docs/EXPORTS.md#integrity,
 * docs/EXPORTS.md#names-and-cells; docs/EXPORTS.md#integrity) on a seeded account with hostile
 * data, opened the way a user's tools open it: Python's zipfile, a strict RFC 4180 reader that
 * keeps NULL apart from "" (cross-checked against Python's csv module), Info-ZIP. Every value is
 * compared with the database. Real database, real blob store, no mocks.
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TableName } from "../../../src/db/schema/index.js";
import { snapshotFormat } from "../../../src/exports/formats/snapshot/index.js";
import {
  attachmentEntryPath,
  primaryFileOf,
  rowBelongs,
  SNAPSHOT_FILES,
  type SnapshotFile,
} from "../../../src/exports/formats/snapshot/layout.js";
import type { ManifestHeader, ManifestMissing } from "../../../src/exports/manifest.js";
import { BIDI_VALUES, FORMULA_VALUES } from "../../../src/seed/hostile.js";
import { ApiTokenService } from "../../../src/services/api-token.service.js";
import { DIALECTS } from "../../support/dialects.js";
import { type MachineExport, machineRecords, readMachineExport } from "../../support/read-export.js";
import { unzipTest } from "../zip/zip-test-utils.js";
import { extract, type FakeRun, type Fixture, failingStore, runFormat, seedFixture } from "./helpers.js";

type Manifest = ManifestHeader & { missing_files: ManifestMissing[] };
type Resource = {
  name: string;
  path: string;
  bytes: number;
  hash: string;
  dialect: Record<string, unknown>;
  schema: {
    fields: {
      name: string;
      type: string;
      format?: string;
      missingValues?: string[];
      constraints?: { required?: boolean; enum?: string[] };
    }[];
    missingValues: string[];
    primaryKey: string;
    foreignKeys?: { fields: string; reference: { resource: string; fields: string } }[];
  };
};
type Datapackage = {
  profile: string;
  name: string;
  created: string;
  description: string;
  resources: Resource[];
};

const OPTS = { timeZone: "Europe/Berlin" };

/** One entry's bytes, as Info-ZIP extracts them. */
function entryBytes(zip: string, name: string): Buffer {
  return execFileSync("/usr/bin/unzip", ["-p", zip, name], { maxBuffer: 256 * 1024 * 1024 });
}

/**
 * A stored value as the machine CSV must show it (docs/EXPORTS.md#names-and-cells: never altered;
 * NULL stays NULL).
 */
function expected(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return v ? "true" : "false";
  return String(v);
}

describe.each(DIALECTS)("snapshot export format on %s", (dialect) => {
  let fx: Fixture;
  let run: FakeRun;
  let again: FakeRun;
  let zipPath: string;
  let snap: MachineExport;
  let manifest: Manifest;
  let dp: Datapackage;
  let lost: { id: string; path: string };
  let resized: { id: string; path: string };
  let blank: string;
  let nulled: string;
  let token: string;

  const csv = (file: string) => snap.csv[file]!;

  beforeAll(async () => {
    fx = await seedFixture(dialect, 40);
    const { db } = fx.database;
    // NULL and "" in the same nullable text column (persons.headline), on plain-named persons.
    const plain = (
      await db
        .selectFrom("persons")
        .select(["id", "first_name", "last_name"])
        .where("account_id", "=", fx.accountId)
        .orderBy("id", "desc")
        .execute()
    ).filter((p) => /^[A-Za-z]+$/.test(p.first_name) && /^[A-Za-z]+$/.test(p.last_name));
    blank = plain[0]!.id;
    nulled = plain[1]!.id;
    await db.updateTable("persons").set({ headline: "" }).where("id", "=", blank).execute();
    await db.updateTable("persons").set({ headline: null }).where("id", "=", nulled).execute();
    // Secrets that must never leave: a token hash, a password hash, the storage keys.
    token = (await new ApiTokenService(db).create(fx.accountId, { name: "ci", role: "admin" })).token;
    await db
      .updateTable("users")
      .set({ password_hash: "$argon2id$v=19$m=65536,t=3,p=4$c2VjcmV0c2FsdA$secret-password-hash" })
      .where("account_id", "=", fx.accountId)
      .execute();
    // A company document lost from storage, a person's file of the wrong size
    // (docs/EXPORTS.md#integrity).
    const files = await db
      .selectFrom("attachments")
      .select(["id", "entity_type", "file_name", "storage_key"])
      .where("account_id", "=", fx.accountId)
      .orderBy("id")
      .execute();
    const doc = files.find((f) => f.entity_type === "company")!;
    const cv = files.find((f) => f.entity_type === "person")!;
    await fx.services.blobs.delete(doc.storage_key);
    await fx.services.blobs.put(cv.storage_key, Readable.from([Buffer.from("not the right size")]));
    lost = { id: doc.id, path: attachmentEntryPath(doc.id, doc.file_name) };
    resized = { id: cv.id, path: attachmentEntryPath(cv.id, cv.file_name) };

    run = await runFormat(fx, snapshotFormat, OPTS);
    again = await runFormat(fx, snapshotFormat, OPTS);
    zipPath = run.artifacts[0]!.path;
    snap = await readMachineExport(zipPath);
    manifest = snap.json["manifest.json"] as Manifest;
    dp = snap.json["datapackage.json"] as Datapackage;
  });

  afterAll(async () => {
    await fx?.cleanup();
    for (const r of [run, again]) if (r) fs.rmSync(r.dir, { recursive: true, force: true });
  });

  it("saves one zip named after the account and the local day; it passes unzip -t and zipfile", async () => {
    expect(run.artifacts.map((a) => [a.part, a.fileName, a.contentType])).toEqual([
      ["snapshot", "Acme-Corp-snapshot-2026-04-01.zip", "application/zip"],
    ]);
    await unzipTest(zipPath);
    expect(snap.testzip).toBeNull();
    const last = run.progress.at(-1)!;
    expect(last[0]).toBe(last[1]);
    expect(run.progress[0]).toEqual([0, last[1]]);
  });

  it("holds the files first, then every CSV of the layout in path order, datapackage.json, manifest.json", () => {
    const names = snap.entries.map((e) => e.name);
    const files = names.filter((n) => /^files\/[0-9a-f-]{36}\/[^/]+$/.test(n));
    expect(names).toEqual([
      ...files,
      ...SNAPSHOT_FILES.map((f) => f.path),
      "datapackage.json",
      "manifest.json",
    ]);
    expect(files.length).toBeGreaterThan(0);
    expect([...files].sort()).toEqual(files);
    for (const e of snap.entries) {
      expect(e.flag_bits & 0x800, e.name).toBe(0x800); // UTF-8 names
      expect(e.compress_type, e.name).toBe(files.includes(e.name) ? 0 : 8); // STORE bytes, DEFLATE text
    }
  });

  it("every CSV: the layout's header, no BOM, CRLF, RFC 4180 (Python's csv module agrees)", () => {
    for (const f of SNAPSHOT_FILES) {
      const c = csv(f.path);
      expect(c.rows[0], f.path).toEqual(f.columns.map((col) => col.name));
      expect(c.bom, f.path).toBe(false);
      expect(c.crlf_only, f.path).toBe(true);
      expect(c.csv_module_agrees, f.path).toBe(true);
      for (const row of c.rows) expect(row.length, f.path).toBe(f.columns.length);
    }
  });

  it("every row of every exported table, exactly once; the manifest's counts agree", async () => {
    const { db } = fx.database;
    const byTable = new Map<string, number>();
    for (const f of SNAPSHOT_FILES.filter((x) => x.kind === "rows")) {
      byTable.set(f.table, (byTable.get(f.table) ?? 0) + csv(f.path).rows.length - 1);
    }
    for (const [table, rows] of byTable) {
      const { n } = await db
        .selectFrom(table as "persons")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("account_id", "=", fx.accountId)
        .executeTakeFirstOrThrow();
      expect(rows, table).toBe(Number(n));
    }
    for (const t of ["persons", "applications", "audit_log", "attachments", "api_tokens"])
      expect(byTable.get(t), t).toBeGreaterThan(0);
    expect(manifest.tables).toEqual(
      SNAPSHOT_FILES.map((f) => ({ file: f.path, rows: csv(f.path).rows.length - 1, rows_of: f.table })),
    );
  });

  it("every value is exactly what the database holds, rows by id (hostile text verbatim)", async () => {
    const { db } = fx.database;
    for (const f of SNAPSHOT_FILES) {
      const cols =
        f.kind === "enrichment"
          ? ["id", "enrichment"]
          : f.columns.map((c) => c.name).filter((c) => c !== "path");
      const rows = (
        (await db
          .selectFrom(f.table as "persons")
          .selectAll()
          .where("account_id", "=", fx.accountId)
          .orderBy("id")
          .execute()) as Record<string, unknown>[]
      ).filter((r) => (f.kind === "enrichment" ? r.enrichment !== null : rowBelongs(f, r)));
      const got = csv(f.path)
        .rows.slice(1)
        .map((r) => r.slice(0, cols.length));
      expect(got, f.path).toEqual(rows.map((r) => cols.map((c) => expected(r[c]))));
    }
  });

  it("formula-looking and bidi text comes out verbatim, never escaped for spreadsheets", () => {
    const persons = machineRecords(csv("persons/persons.csv"));
    const firsts = new Set(persons.map((p) => p.first_name));
    for (const v of FORMULA_VALUES) {
      expect(firsts.has(v), v).toBe(true);
      expect(firsts.has(`'${v}`), v).toBe(false);
    }
    const names = [
      ...machineRecords(csv("files/attachments.csv")),
      ...machineRecords(csv("companies/documents.csv")),
    ].map((a) => a.file_name);
    expect(BIDI_VALUES.some((b) => names.some((n) => n?.includes(b)))).toBe(true);
  });

  it('tells NULL (empty unquoted field) from the empty string ("") in the raw bytes', () => {
    const rows = machineRecords(csv("persons/persons.csv"));
    expect(rows.find((p) => p.id === blank)!.headline).toBe("");
    expect(rows.find((p) => p.id === nulled)!.headline).toBeNull();
    const lines = entryBytes(zipPath, "persons/persons.csv").toString("utf8").split("\r\n");
    const line = (id: string) => lines.find((l) => l.startsWith(`${id},`))!.split(",");
    expect(line(blank)[3]).toBe('""');
    expect(line(nulled)[3]).toBe("");
  });

  it("every attachment row names its bytes' entry, whose SHA-256 and size are the row's", async () => {
    const entries = new Map(snap.entries.map((e) => [e.name, e]));
    const rows = [
      ...machineRecords(csv("companies/documents.csv")),
      ...machineRecords(csv("files/attachments.csv")),
    ];
    expect(machineRecords(csv("companies/documents.csv")).every((r) => r.entity_type === "company")).toBe(
      true,
    );
    expect(machineRecords(csv("files/attachments.csv")).some((r) => r.entity_type === "company")).toBe(false);
    let bytes = 0;
    for (const r of rows) {
      if (r.id === lost.id || r.id === resized.id) {
        expect(r.path, r.id!).toBeNull();
        expect(entries.has(attachmentEntryPath(r.id!, r.file_name!))).toBe(false);
        continue;
      }
      expect(r.path).toBe(attachmentEntryPath(r.id!, r.file_name!));
      const e = entries.get(r.path!);
      expect(e?.sha256, r.path!).toBe(r.sha256);
      expect(e?.size).toBe(Number(r.size_bytes));
      bytes += Number(r.size_bytes);
    }
    const fileEntries = snap.entries.filter(
      (e) => /^files\/[^/]+\/[^/]+$/.test(e.name) && e.name !== "files/attachments.csv",
    );
    expect(fileEntries.length).toBe(rows.length - 2);
    expect(manifest.attachment_files).toEqual({ entries: rows.length - 2, bytes });
  });

  it("a file missing from storage or of the wrong size is left out, listed and warned, never fatal", () => {
    expect(manifest.missing_files_count).toBe(2);
    expect(manifest.missing_files).toEqual(
      [
        { part: "files", attachment_id: lost.id, path: lost.path, reason: "missing from storage" },
        {
          part: "files",
          attachment_id: resized.id,
          path: resized.path,
          reason: expect.stringMatching(/^size in storage \(18 bytes\) differs/),
        },
      ].sort((a, b) => (a.attachment_id < b.attachment_id ? -1 : 1)),
    );
    expect(run.warnings.map((w) => w.id).sort()).toEqual([lost.id, resized.id].sort());
  });

  it("the manifest: format, account with time zone, snapshot time, size and SHA-256 of every CSV and datapackage.json", () => {
    expect(manifest).toMatchObject({
      format: "hirevault.snapshot",
      format_version: 1,
      account: { id: fx.accountId, name: "Acme Corp", time_zone: "Europe/Berlin" },
      snapshot_at: "2026-03-31T22:30:00.000Z",
    });
    expect(typeof manifest.app_version).toBe("string");
    const listed = [...SNAPSHOT_FILES.map((f) => f.path), "datapackage.json"];
    expect(manifest.files.map((f) => f.path)).toEqual(listed);
    for (const f of manifest.files) {
      const e = snap.entries.find((x) => x.name === f.path)!;
      expect(f, f.path).toEqual({ path: e.name, size: e.size, sha256: e.sha256 });
    }
  });

  it("datapackage.json: a tabular data package with every CSV, its bytes, hash, dialect, types and keys", () => {
    expect(dp).toMatchObject({
      profile: "tabular-data-package",
      name: "acme-corp-snapshot",
      created: "2026-03-31T22:30:00.000Z",
    });
    expect(dp.description).toMatch(/NULL/);
    expect(dp.description).toMatch(/UUID/);
    expect(dp.resources.map((r) => r.path)).toEqual(SNAPSHOT_FILES.map((f) => f.path));
    const names = new Set(dp.resources.map((r) => r.name));
    expect(names.size).toBe(dp.resources.length);
    const types = new Set(["string", "integer", "number", "boolean", "datetime", "date"]);
    for (const r of dp.resources) {
      const file = SNAPSHOT_FILES.find((f) => f.path === r.path)!;
      const e = snap.entries.find((x) => x.name === r.path)!;
      expect(r).toMatchObject({
        name: file.resource,
        profile: "tabular-data-resource",
        format: "csv",
        encoding: "utf-8",
      });
      expect([r.bytes, r.hash]).toEqual([e.size, `sha256:${e.sha256}`]);
      expect(r.dialect).toEqual({
        delimiter: ",",
        lineTerminator: "\r\n",
        quoteChar: '"',
        doubleQuote: true,
        header: true,
      });
      expect(r.schema.fields.map((f) => f.name)).toEqual(file.columns.map((c) => c.name));
      expect(r.schema.missingValues).toEqual([""]);
      expect(r.schema.fields.map((f) => f.name)).toContain(r.schema.primaryKey);
      for (const [i, f] of r.schema.fields.entries()) {
        const col = file.columns[i]!;
        expect(types.has(f.type), `${r.path} ${f.name}`).toBe(true);
        // Never NULL, but "" is a value: not required, no missing values of its own.
        const emptyText = !col.nullable && col.type === "text" && !col.values;
        expect(f.constraints?.required === true, `${r.path} ${f.name}`).toBe(!col.nullable && !emptyText);
        expect(f.missingValues, `${r.path} ${f.name}`).toEqual(emptyText ? [] : undefined);
        if (col.values) expect(f.constraints?.enum).toEqual([...col.values]);
        if (col.type === "id") expect(f.format).toBe("uuid");
      }
      for (const fk of r.schema.foreignKeys ?? []) {
        expect(r.schema.fields.map((f) => f.name)).toContain(fk.fields);
        if (fk.reference.resource !== "")
          expect(names.has(fk.reference.resource), fk.reference.resource).toBe(true);
      }
    }
    const apps = dp.resources.find((r) => r.path === "candidates/applications.csv")!;
    expect(apps.schema.foreignKeys).toContainEqual({
      fields: "person_id",
      reference: { resource: "persons-persons", fields: "id" },
    });
    const lists = dp.resources.find((r) => r.path === "lists/lists.csv")!;
    expect(lists.schema.foreignKeys).toContainEqual({
      fields: "parent_id",
      reference: { resource: "", fields: "id" },
    });
    expect(dp.resources.find((r) => r.path === "companies/enrichment.csv")!.schema.primaryKey).toBe(
      "company_id",
    );
  });

  it("every foreign key of the data package resolves to a row of the snapshot (primary keys unique)", () => {
    const ids = new Map<string, Set<string | null>>();
    for (const r of dp.resources) {
      const rows = machineRecords(csv(r.path));
      const keys = rows.map((x) => x[r.schema.primaryKey]!);
      expect(new Set(keys).size, r.path).toBe(keys.length);
      ids.set(r.name, new Set(keys));
    }
    let checked = 0;
    for (const r of dp.resources) {
      const rows = machineRecords(csv(r.path));
      for (const fk of r.schema.foreignKeys ?? []) {
        const target = ids.get(fk.reference.resource || r.name)!;
        for (const row of rows) {
          const v = row[fk.fields];
          if (v === null) continue;
          expect(target.has(v!), `${r.path}.${fk.fields} → ${fk.reference.resource}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("custom field values are filed under their entity; enrichment only for companies that have one", async () => {
    const folders: Record<string, string> = {
      companies: "company",
      persons: "person",
      jobs: "job",
      deals: "deal",
      clientContacts: "client_contact",
    };
    for (const [folder, entity] of Object.entries(folders)) {
      const rows = machineRecords(csv(`${folder}/custom_field_values.csv`));
      expect(
        rows.every((r) => r.entity_type === entity),
        folder,
      ).toBe(true);
    }
    expect(machineRecords(csv("persons/custom_field_values.csv")).length).toBeGreaterThan(0);
    const companies = await fx.database.db
      .selectFrom("companies")
      .select(["id", "enrichment"])
      .where("account_id", "=", fx.accountId)
      .execute();
    const enriched = companies.filter((c) => c.enrichment !== null);
    expect(enriched.length).toBeGreaterThan(0);
    expect(enriched.length).toBeLessThan(companies.length);
    const rows = machineRecords(csv("companies/enrichment.csv"));
    expect(rows.map((r) => r.company_id)).toEqual(enriched.map((c) => c.id).sort());
    expect(csv("companies/companies.csv").rows[0]).not.toContain("enrichment");
  });

  it("holds no secret and nothing of the other account (docs/EXPORTS.md#integrity)", async () => {
    const { db } = fx.database;
    for (const f of SNAPSHOT_FILES) {
      for (const h of ["token_hash", "password_hash", "storage_key", "account_id"])
        expect(csv(f.path).rows[0], f.path).not.toContain(h);
    }
    const keys = (await db.selectFrom("attachments").select("storage_key").execute()).map(
      (k) => k.storage_key,
    );
    const hashes = (await db.selectFrom("api_tokens").select("token_hash").execute()).map(
      (h) => h.token_hash,
    );
    const passwords = (
      await db.selectFrom("users").select("password_hash").where("password_hash", "is not", null).execute()
    ).map((u) => u.password_hash!);
    const other = (
      await db.selectFrom("persons").select("id").where("account_id", "=", fx.otherAccountId).execute()
    ).map((p) => p.id);
    expect(hashes.length).toBeGreaterThan(0);
    expect(passwords.length).toBeGreaterThan(0);
    const dir = extract(zipPath);
    const haystacks = [fs.readFileSync(zipPath).toString("latin1")];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else haystacks.push(fs.readFileSync(p).toString("latin1"));
      }
    };
    walk(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    for (const n of [...keys, ...hashes, ...passwords, token, ...other])
      for (const h of haystacks) expect(h.includes(n), n).toBe(false);
    expect(haystacks.length).toBe(snap.entries.length + 1);
  });

  it("is deterministic: the same data gives byte-identical manifest.json, datapackage.json and zip (5.6)", () => {
    const other = again.artifacts[0]!.path;
    for (const name of ["manifest.json", "datapackage.json"])
      expect(entryBytes(other, name).equals(entryBytes(zipPath, name)), name).toBe(true);
    expect(again.artifacts[0]!.sha256).toBe(run.artifacts[0]!.sha256);
  });

  it("a storage error other than a missing file fails the export (the job layer retries)", async () => {
    const broken = failingStore(fx.services.blobs, (_key, n) =>
      n === 3 ? Promise.reject(new Error("storage unavailable")) : null,
    );
    await expect(runFormat(fx, snapshotFormat, { blobs: broken })).rejects.toThrow("storage unavailable");
  });

  it("reads pages by id across page boundaries (tiny pages give the same rows)", async () => {
    const { fileRows } = await import("../../../src/exports/formats/snapshot/table-rows.js");
    await fx.database.readSnapshot(async (db) => {
      const source = { db, accountId: fx.accountId, signal: new AbortController().signal };
      for (const f of SNAPSHOT_FILES.filter((x) =>
        ["persons/emails.csv", "companies/enrichment.csv", "jobs/custom_field_values.csv"].includes(x.path),
      )) {
        const all = async (batchSize: number) => {
          const out = [];
          for await (const r of fileRows({ ...source, batchSize }, f as SnapshotFile, () => true))
            out.push(r);
          return out;
        };
        const small = await all(3);
        expect(small.length, f.path).toBeGreaterThan(3);
        expect(small, f.path).toEqual(await all(2000));
      }
    });
  });

  it("PostgreSQL writes the CSVs with COPY, byte for byte what the row path writes (SQLite: rows)", async () => {
    const { copyFileRecords } = await import("../../../src/exports/formats/snapshot/copy-rows.js");
    const { copiedCsv } = await import("../../../src/exports/formats/snapshot/csv-files.js");
    const { fileRows } = await import("../../../src/exports/formats/snapshot/table-rows.js");
    const { csvStream } = await import("../../../src/exports/csv/csv-writer.js");
    const { csvLine, MACHINE_CSV } = await import("../../../src/exports/csv/csv-dialect.js");
    const { db } = fx.database;
    const assessments = SNAPSHOT_FILES.find((f) => f.path === "candidates/assessments.csv")!;
    const ids = (
      await db
        .selectFrom("assessments")
        .select("id")
        .where("account_id", "=", fx.accountId)
        .orderBy("id")
        .limit(2)
        .execute()
    ).map((r) => r.id);
    const setScore = (id: string, score: number) =>
      db.updateTable("assessments").set({ score }).where("id", "=", id).execute();
    const read = (stream: Readable) => Readable.from(stream).toArray().then(Buffer.concat);
    const both = (file: SnapshotFile) =>
      fx.database.readSnapshot(async (trx) => {
        const source = { db: trx, accountId: fx.accountId, signal: new AbortController().signal };
        const header = file.columns.map((c) => c.name);
        const records = await copyFileRecords(source, file);
        const counter = { rows: 0 };
        const copied = records
          ? await read(
              Readable.from(
                copiedCsv(csvLine(header, MACHINE_CSV), records, counter, source.signal, () => {}),
              ),
            )
          : null;
        const rows = await read(
          csvStream(
            header,
            fileRows(source, file, () => true),
            MACHINE_CSV,
          ),
        );
        return { copied, rows, counted: counter.rows };
      });
    try {
      // Doubles PostgreSQL spells like JavaScript (and -0, which it would write `-0`).
      await setScore(ids[0]!, 123456.789);
      await setScore(ids[1]!, -0);
      for (const f of SNAPSHOT_FILES) {
        const { copied, rows, counted } = await both(f);
        if (dialect === "sqlite" || f.columns.some((c) => c.name === "path")) {
          expect(copied, f.path).toBeNull();
          continue;
        }
        expect(copied, f.path).not.toBeNull();
        expect(copied!.toString("utf8"), f.path).toBe(rows.toString("utf8"));
        expect(counted, f.path).toBe(csv(f.path).rows.length - 1);
      }
      // Doubles PostgreSQL spells otherwise: that file takes the row path.
      for (const odd of [1e-7, 1e20, Number.NaN, Number.POSITIVE_INFINITY]) {
        await setScore(ids[0]!, odd);
        const { copied } = await both(assessments);
        expect(copied, String(odd)).toBeNull();
      }
    } finally {
      const original = machineRecords(csv("candidates/assessments.csv"));
      for (const id of ids) {
        const row = original.find((r) => r.id === id)!;
        await db
          .updateTable("assessments")
          .set({ score: row.score === null ? null : Number(row.score) })
          .where("id", "=", id)
          .execute();
      }
    }
  });

  it("a COPY stopped after its first chunk leaves the snapshot's connection usable", async () => {
    const { copyOut } = await import("../../../src/db/pg-copy.js");
    const { copiedCsv } = await import("../../../src/exports/formats/snapshot/csv-files.js");
    const after = await fx.database.readSnapshot(async (trx) => {
      // ~20 MB of records: far more than one chunk, so most are still unread when it stops.
      const records = await copyOut(
        trx,
        () => "select g, repeat('x', 100) from generate_series(1, 200000) g",
      );
      if (dialect === "sqlite") expect(records).toBeNull();
      if (records) {
        const signal = new AbortController().signal;
        const counter = { rows: 0 };
        const csv = copiedCsv("g,x\r\n", records, counter, signal, () => {});
        await csv.next();
        await csv.next();
        await csv.return(undefined); // what a failing zip does to its source
        expect(counter.rows).toBeGreaterThan(0);
        expect(counter.rows).toBeLessThan(200_000);
      }
      return trx.selectFrom("persons").select("id").where("account_id", "=", fx.accountId).execute();
    });
    expect(after.length).toBe(csv("persons/persons.csv").rows.length - 1);
  });

  it("every reference of the layout to a table with a file of its own appears as a foreign key", () => {
    for (const f of SNAPSHOT_FILES) {
      const r = dp.resources.find((x) => x.path === f.path)!;
      const refs = f.columns.filter((c) => c.references && primaryFileOf(c.references as TableName));
      expect((r.schema.foreignKeys ?? []).map((k) => k.fields)).toEqual(refs.map((c) => c.name));
    }
    expect(crypto.createHash("sha256").update(entryBytes(zipPath, "datapackage.json")).digest("hex")).toBe(
      manifest.files.find((f) => f.path === "datapackage.json")!.sha256,
    );
  });
});
