/**
 * The benchmark's account: seeded once per (candidates, CV files, CV size, database) and kept as
 * a cache — a PostgreSQL database `hv_bench_<N>_<M>` (or a SQLite file) plus its blob directory
 * `<data>/hv_bench_<N>_<M>/blobs`. Both carry a marker (the database's COMMENT, the `ready` file)
 * naming what was seeded and a hash of the seed and migration code, so a cache made by other code
 * is seeded again rather than measured. `clearBenchCache` drops them all.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import pg from "pg";
import { createDatabase, type Database } from "../src/db/create-db.js";
import { migrateToLatest } from "../src/db/migrations/index.js";
import { seedAccount } from "../src/seed/seed-account.js";
import { LocalBlobStore } from "../src/storage/local-blob-store.js";

/** Name of the seeded account (one per database). */
export const BENCH_ACCOUNT = "bench";
/** Prefix of every cached database and data directory. */
const PREFIX = "hv_bench_";

export interface BenchAccountSpec {
  candidates: number;
  /** CV files: `cvRatio` = files / candidates (other documents come on top, same size). */
  files: number;
  /** Incompressible bytes added to every file, in KiB (0 when `files` is 0). */
  cvKb: number;
  dialect: "postgres" | "sqlite";
  /** `postgres://user@host:port` (no database); the server must allow `CREATE DATABASE`. */
  pgBase: string;
  /** Parent of the cached data directories. */
  dataRoot: string;
}

export interface BenchAccount {
  key: string;
  dir: string;
  blobDir: string;
  /** Exactly one of these. */
  databaseUrl?: string;
  sqlitePath?: string;
  accountId: string;
  /** Whether the data was seeded by this run (else reused). */
  seeded: boolean;
  open(): Database;
}

/** CV size when none is asked for: 20,000 of them make the 2.3 GB account the benchmark is sized for. */
export const DEFAULT_CV_KB = 115;

function cacheKey(spec: BenchAccountSpec): string {
  const kb = spec.files > 0 && spec.cvKb !== DEFAULT_CV_KB ? `_${spec.cvKb}kb` : "";
  return `${PREFIX}${spec.dialect === "sqlite" ? "sqlite_" : ""}${spec.candidates}_${spec.files}${kb}`;
}

/**
 * A hash of the code that decides the cached rows and files: the seeder, the migrations and the
 * schema. Query code (repositories, dialect helpers) is not in it: changing how exports read must
 * not throw away an hour-long 1M seed.
 */
function codeHash(): string {
  const src = fileURLToPath(new URL("../src/", import.meta.url));
  const h = createHash("sha256");
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (p.endsWith(".ts") && !p.endsWith(".test.ts"))
        h.update(p.slice(src.length)).update(readFileSync(p));
    }
  };
  walk(join(src, "seed"));
  walk(join(src, "db", "migrations"));
  walk(join(src, "db", "schema"));
  return h.digest("hex").slice(0, 12);
}

function marker(spec: BenchAccountSpec): string {
  return `hirevault bench: ${spec.candidates} candidates, ${spec.files} CVs of ${spec.cvKb} KiB, seed "bench", code ${codeHash()}`;
}

async function withAdmin<T>(pgBase: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${pgBase}/postgres` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function log(msg: string): void {
  const t = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[${t}] ${msg}\n`);
}

/** The seeded account of `spec`: reused when its markers match, else (re)seeded first. */
export async function prepareBenchAccount(spec: BenchAccountSpec): Promise<BenchAccount> {
  const key = cacheKey(spec);
  const dir = join(spec.dataRoot, key);
  const blobDir = join(dir, "blobs");
  const where =
    spec.dialect === "postgres"
      ? { databaseUrl: `${spec.pgBase}/${key}` }
      : { sqlitePath: join(dir, "hirevault.sqlite") };
  const open = () => createDatabase({ ...where, poolSize: 4 });
  const want = marker(spec);
  const readyFile = join(dir, "ready");

  const dbMarker = async (): Promise<string | null> => {
    if (spec.dialect === "sqlite") return existsSync(where.sqlitePath!) ? want : null;
    return withAdmin(spec.pgBase, async (c) => {
      const r = await c.query<{ d: string | null }>(
        "select shobj_description(oid, 'pg_database') as d from pg_database where datname = $1",
        [key],
      );
      return r.rows[0]?.d ?? null;
    });
  };
  const cached =
    existsSync(readyFile) && readFileSync(readyFile, "utf8") === want && (await dbMarker()) === want;

  if (!cached) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(blobDir, { recursive: true });
    if (spec.dialect === "postgres")
      await withAdmin(spec.pgBase, async (c) => {
        await c.query(`drop database if exists ${ident(key)} with (force)`);
        await c.query(`create database ${ident(key)}`);
      });
    const database = open();
    try {
      await migrateToLatest(database.db, database.dialect);
      const what = `${spec.candidates.toLocaleString("en")} candidates, ${spec.files.toLocaleString("en")} CVs`;
      log(`seeding ${what} of ~${spec.cvKb} KiB into ${database.location} and ${blobDir} …`);
      const t0 = performance.now();
      let shown = 0;
      await seedAccount({
        db: database.db,
        blobs: new LocalBlobStore(blobDir),
        accountName: BENCH_ACCOUNT,
        candidates: spec.candidates,
        seed: "bench",
        cvRatio: spec.candidates ? Math.min(1, spec.files / spec.candidates) : 0,
        padBytes: spec.files > 0 ? spec.cvKb * 1024 : 0,
        onProgress: (done, total) => {
          const tenth = Math.floor((done / total) * 10);
          if (tenth > shown && done < total) {
            shown = tenth;
            log(`  ${tenth * 10} % (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
          }
        },
      });
      // A full export waits while an invoice is pending (docs/EXPORTS.md#the-full-data-export):
      // settle the seeded ones.
      await database.db
        .updateTable("invoices")
        .set({ status: "void" })
        .where("status", "=", "pending")
        .execute();
      log(`seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s; vacuum analyze …`);
      // Statistics and hint bits as a live database has them, so the first reader pays no more.
      if (spec.dialect === "postgres") await sql`vacuum analyze`.execute(database.db);
      else await sql`analyze`.execute(database.db);
    } finally {
      await database.close();
    }
    if (spec.dialect === "postgres")
      await withAdmin(spec.pgBase, (c) =>
        c.query(`comment on database ${ident(key)} is '${want.replace(/'/g, "''")}'`),
      );
    writeFileSync(readyFile, want);
  }

  // What an interrupted run may have left: its work directory and half-written blobs.
  for (const d of readdirSync(dir))
    if (d.startsWith("run-")) rmSync(join(dir, d), { recursive: true, force: true });
  rmSync(join(blobDir, ".tmp"), { recursive: true, force: true });

  const database = open();
  try {
    const row = await database.db
      .selectFrom("accounts")
      .select("id")
      .where("name", "=", BENCH_ACCOUNT)
      .executeTakeFirstOrThrow();
    return { key, dir, blobDir, ...where, accountId: row.id, seeded: !cached, open };
  } finally {
    await database.close();
  }
}

/**
 * Leaves the account as seeded: removes the export runs with their artifact and outbox rows,
 * their audit entries and files, and settles any pending invoice.
 */
export async function resetExports(account: BenchAccount): Promise<void> {
  const database = account.open();
  try {
    const { db } = database;
    await db
      .deleteFrom("audit_log")
      .where("account_id", "=", account.accountId)
      .where("entity_type", "=", "export_run")
      .execute();
    // The foreign keys have no ON DELETE CASCADE in the database: children first.
    const runs = db.selectFrom("export_runs").select("id").where("account_id", "=", account.accountId);
    await db.deleteFrom("export_artifacts").where("export_run_id", "in", runs).execute();
    await db.deleteFrom("outbox_emails").where("export_run_id", "in", runs).execute();
    await db.deleteFrom("export_runs").where("account_id", "=", account.accountId).execute();
    await db
      .updateTable("invoices")
      .set({ status: "void" })
      .where("account_id", "=", account.accountId)
      .where("status", "=", "pending")
      .execute();
  } finally {
    await database.close();
  }
  rmSync(join(account.blobDir, "accounts", account.accountId, "exports"), { recursive: true, force: true });
}

/** Drops every cached bench database and removes every cached data directory under `dataRoot`. */
export async function clearBenchCache(pgBase: string, dataRoot: string): Promise<string[]> {
  const gone: string[] = [];
  const dbs = await withAdmin(pgBase, async (c) => {
    const r = await c.query<{ datname: string }>(
      "select datname from pg_database where datname like 'hv\\_bench\\_%' order by datname",
    );
    for (const { datname } of r.rows) await c.query(`drop database ${ident(datname)} with (force)`);
    return r.rows.map((row) => `database ${row.datname}`);
  }).catch((err: Error) => [`(PostgreSQL not reached: ${err.message})`]);
  gone.push(...dbs);
  if (existsSync(dataRoot))
    for (const d of readdirSync(dataRoot))
      if (d.startsWith(PREFIX)) {
        rmSync(join(dataRoot, d), { recursive: true, force: true });
        gone.push(`directory ${join(dataRoot, d)}`);
      }
  return gone;
}
