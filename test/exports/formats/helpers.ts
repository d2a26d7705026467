/**
 * Helpers of the format tests: an ExportContext whose artifacts land in a temp dir (real blob
 * store, real database, no mocks), and readers that open what an export wrote.
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Kysely } from "kysely";
import type { DialectName } from "../../../src/db/dialect.js";
import type { DB } from "../../../src/db/schema/index.js";
import type {
  ExportContext,
  ExportFormat,
  ExportWarning,
  SavedArtifact,
} from "../../../src/exports/export-format.js";
import { createLogger } from "../../../src/logger.js";
import { seedAccount } from "../../../src/seed/seed-account.js";
import type { BlobStore } from "../../../src/storage/blob-store.js";
import { createTestDatabase, type TestDatabase } from "../../support/dialects.js";
import { buildServices } from "../../support/factories.js";
import { type ReadCell, readCells } from "../xlsx/helpers.js";

/** Expiry of the fake links of {@link fakeContext}. */
export const LINK_EXPIRY = new Date("2026-04-07T22:30:00Z");

/** A context plus what the format reported through it. */
export interface FakeRun {
  ctx: ExportContext;
  /** Saved artifacts; `path` is the file on disk. */
  artifacts: (SavedArtifact & { path: string })[];
  warnings: ExportWarning[];
  progress: [number, number][];
  dir: string;
}

/** Options of {@link fakeContext}. */
export interface FakeContextOptions {
  db: Kysely<DB>;
  blobs: BlobStore;
  accountId: string;
  accountName: string;
  snapshotAt?: Date;
  timeZone?: string;
  signal?: AbortSignal;
  /** Replaces the default link (`https://links.test/<part>`, expiring {@link LINK_EXPIRY}). */
  linkFor?: ExportContext["linkFor"];
  /** Replaces the default saveArtifact (failure injection). */
  saveArtifact?: ExportContext["saveArtifact"];
}

/** An ExportContext writing saved artifacts to a new temp dir (hashed and counted like the runner). */
export function fakeContext(opts: FakeContextOptions): FakeRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hv-format-"));
  const tmpDir = path.join(dir, "tmp");
  fs.mkdirSync(tmpDir);
  const run: Omit<FakeRun, "ctx"> = { artifacts: [], warnings: [], progress: [], dir };
  const ctx: ExportContext = {
    runId: "00000000-0000-7000-8000-000000000001",
    accountId: opts.accountId,
    accountName: opts.accountName,
    timeZone: opts.timeZone ?? "UTC",
    db: opts.db,
    snapshotAt: opts.snapshotAt ?? new Date("2026-03-31T22:30:00Z"),
    blobs: opts.blobs,
    tmpDir,
    signal: opts.signal ?? new AbortController().signal,
    logger: createLogger({ level: "silent" }),
    progress: (done, total) => run.progress.push([done, total]),
    warn: (w) => run.warnings.push(w),
    saveArtifact:
      opts.saveArtifact ??
      (async (spec, body: Readable) => {
        const file = path.join(dir, `${run.artifacts.length}-${spec.part}`);
        const hash = crypto.createHash("sha256");
        let sizeBytes = 0;
        body.on("data", (c: Buffer) => {
          hash.update(c);
          sizeBytes += c.length;
        });
        await pipeline(body, fs.createWriteStream(file));
        const saved = {
          id: crypto.randomUUID(),
          ...spec,
          storageKey: file,
          sizeBytes,
          sha256: hash.digest("hex"),
          path: file,
        };
        run.artifacts.push(saved);
        return saved;
      }),
    linkFor: async (a) =>
      opts.linkFor ? opts.linkFor(a) : { url: `https://links.test/${a.part}`, expiresAt: LINK_EXPIRY },
  };
  return { ...run, ctx };
}

/** Extracts an .xlsx (or any zip) into a new temp dir with Info-ZIP and returns the dir. */
export function extract(file: string): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "hv-extract-"));
  execFileSync("/usr/bin/unzip", ["-qq", "-o", file, "-d", out]);
  return out;
}

/** One parsed sheet: header texts and data rows as cell maps keyed by column letter. */
export interface Sheet {
  header: string[];
  rows: Map<string, ReadCell>[];
  /** Worksheet XML files of the workbook (all of them, for the `<f>` check). */
  worksheetXml: string[];
}

/** Reads the first worksheet of an extracted workbook. */
export function readSheet(xlsxDir: string): Sheet {
  const wsDir = path.join(xlsxDir, "xl/worksheets");
  const worksheetXml = fs
    .readdirSync(wsDir)
    .sort()
    .map((f) => fs.readFileSync(path.join(wsDir, f), "utf8"));
  const byRow = new Map<number, Map<string, ReadCell>>();
  for (const [ref, cell] of readCells(worksheetXml[0]!)) {
    const m = /^([A-Z]+)(\d+)$/.exec(ref)!;
    const r = Number(m[2]);
    if (!byRow.has(r)) byRow.set(r, new Map());
    byRow.get(r)!.set(m[1]!, cell);
  }
  const rowCount = (worksheetXml[0]!.match(/<row /g) ?? []).length;
  const header = [...(byRow.get(1)?.values() ?? [])].map((c) => c.value);
  const rows: Map<string, ReadCell>[] = [];
  for (let r = 2; r <= rowCount; r++) rows.push(byRow.get(r) ?? new Map());
  return { header, rows, worksheetXml };
}

/** Column letter of a 0-based index (A…Z, AA…). */
export function col(index: number): string {
  let s = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** SHA-256 hex of a file. */
export function sha256File(file: string): string {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** A seeded account with the hostile slice, plus a second account that must never show up. */
export interface Fixture {
  database: TestDatabase;
  services: Awaited<ReturnType<typeof buildServices>>;
  accountId: string;
  accountName: string;
  otherAccountId: string;
  cleanup(): Promise<void>;
}

/** Seeds "Acme Corp" (`candidates`, default hostile slice) and "Other" (10 candidates, own seed). */
export async function seedFixture(dialect: DialectName, candidates = 60): Promise<Fixture> {
  const database = await createTestDatabase(dialect);
  const services = await buildServices(database);
  const common = { db: database.db, blobs: services.blobs };
  const acme = await seedAccount({ ...common, accountName: "Acme Corp", candidates, seed: "formats" });
  const other = await seedAccount({ ...common, accountName: "Other", candidates: 10, seed: "other" });
  return {
    database,
    services,
    accountId: acme.accountId,
    accountName: "Acme Corp",
    otherAccountId: other.accountId,
    cleanup: async () => {
      await database.drop();
      await services.cleanup();
    },
  };
}

/** Runs a format inside one read snapshot, like the job runner does. */
export async function runFormat(
  fx: Fixture,
  format: ExportFormat,
  opts: Partial<FakeContextOptions> = {},
): Promise<FakeRun> {
  return fx.database.readSnapshot(async (db) => {
    const run = fakeContext({
      db,
      blobs: fx.services.blobs,
      accountId: fx.accountId,
      accountName: fx.accountName,
      ...opts,
    });
    await format.write(run.ctx);
    return run;
  });
}

/** Latest internal CV per person of the account (created_at desc, id desc), straight from the DB. */
export async function latestCvs(
  db: Kysely<DB>,
  accountId: string,
): Promise<Map<string, { id: string; sha256: string; file_name: string; storage_key: string }>> {
  const rows = await db
    .selectFrom("attachments")
    .select(["id", "entity_id", "sha256", "file_name", "storage_key", "created_at"])
    .where("account_id", "=", accountId)
    .where("entity_type", "=", "person")
    .where("internal_cv", "=", true)
    .execute();
  rows.sort((a, b) =>
    a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : a.id < b.id ? 1 : -1,
  );
  const out = new Map<string, { id: string; sha256: string; file_name: string; storage_key: string }>();
  for (const r of rows) if (!out.has(r.entity_id)) out.set(r.entity_id, r);
  return out;
}

/** The report's expected row keys from the DB: [person id, job id or ""] by person id, application id. */
export async function expectedRowKeys(db: Kysely<DB>, accountId: string): Promise<[string, string][]> {
  const persons = await db.selectFrom("persons").select("id").where("account_id", "=", accountId).execute();
  const apps = await db
    .selectFrom("applications")
    .select(["id", "person_id", "job_id"])
    .where("account_id", "=", accountId)
    .execute();
  const byPerson = new Map<string, { id: string; job_id: string }[]>();
  for (const a of apps) byPerson.set(a.person_id, [...(byPerson.get(a.person_id) ?? []), a]);
  const keys: [string, string][] = [];
  for (const p of persons.map((r) => r.id).sort()) {
    const list = (byPerson.get(p) ?? []).sort((a, b) => (a.id < b.id ? -1 : 1));
    if (list.length === 0) keys.push([p, ""]);
    for (const a of list) keys.push([p, a.job_id]);
  }
  return keys;
}

/** The real store, with `get` replaced for some calls. */
export function failingStore(
  real: BlobStore,
  get: (key: string, n: number) => Promise<Readable> | null,
): BlobStore {
  let n = 0;
  return {
    kind: real.kind,
    put: (key, body, opts) => real.put(key, body, opts),
    get: (key, range) => get(key, ++n) ?? real.get(key, range),
    head: (key) => real.head(key),
    delete: (key) => real.delete(key),
    list: (prefix) => real.list(prefix),
    scan: (prefix) => real.scan(prefix),
    listFolders: (prefix) => real.listFolders(prefix),
    deleteMany: (keys) => real.deleteMany(keys),
    removeAbandonedWrites: (before) => real.removeAbandonedWrites(before),
  };
}
