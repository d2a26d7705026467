import crypto from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createDatabase, type Database, type DatabaseOptions } from "../../src/db/create-db.js";
import type { DialectName } from "../../src/db/dialect.js";
import { migrateToLatest } from "../../src/db/migrations/index.js";

/** PostgreSQL server for tests: the machine's local cluster unless TEST_DATABASE_URL says otherwise. */
export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * The dialects a suite runs on (Kysely's DIALECTS loop). `HIREVAULT_TEST_DIALECTS=sqlite` narrows
 * it locally; in CI (`CI=true`) PostgreSQL is mandatory and a suite never silently skips it.
 */
export const DIALECTS: DialectName[] = (process.env.HIREVAULT_TEST_DIALECTS ?? "sqlite,postgres")
  .split(",")
  .map((d) => d.trim())
  .filter((d): d is DialectName => d === "sqlite" || d === "postgres");

if (process.env.CI === "true" && !DIALECTS.includes("postgres")) {
  throw new Error("CI must run the PostgreSQL suites: HIREVAULT_TEST_DIALECTS leaves postgres out");
}

export interface TestDatabase extends Database {
  /** Connection URL a child process can use (PostgreSQL) or undefined (SQLite file below). */
  readonly url: string | undefined;
  readonly sqlitePath: string | undefined;
  drop(): Promise<void>;
}

/** Lock waits of a test database (a short busy or lock timeout, to provoke a busy database). */
export type TestDatabaseOptions = Pick<DatabaseOptions, "sqliteBusyTimeoutMs" | "pgLockTimeoutMs"> & {
  /**
   * SQLite: put the file where `hirevault` processes started with this data dir find it
   * (`<dataDir>/hirevault.sqlite`); the folder is the caller's, so drop leaves it.
   */
  dataDir?: string;
};

/** A fresh, migrated database: a temp SQLite file, or a throw-away PostgreSQL schema. */
export async function createTestDatabase(
  dialect: DialectName,
  opts: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const { dataDir, ...lockWaits } = opts;
  if (dialect === "sqlite") {
    const dir = dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), "hv-db-")));
    const sqlitePath = path.join(dir, dataDir ? "hirevault.sqlite" : "test.sqlite");
    const database = createDatabase({ sqlitePath, ...lockWaits });
    await migrateToLatest(database.db, "sqlite");
    return {
      ...database,
      url: undefined,
      sqlitePath,
      drop: async () => {
        await database.close();
        if (!dataDir) await fs.rm(dir, { recursive: true, force: true });
      },
    };
  }
  // A throw-away database per suite: full isolation, and a URL a child process can use as is.
  const name = `hv_test_${crypto.randomBytes(6).toString("hex")}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  const database = createDatabase({ databaseUrl: url.toString(), poolSize: 5, ...lockWaits });
  await migrateToLatest(database.db, "postgres");
  return {
    ...database,
    url: url.toString(),
    sqlitePath: undefined,
    drop: async () => {
      await database.close();
      await dropDatabase(name);
    },
  };
}

/**
 * Drops a test database. `pool.end()` can resolve while its sockets are still closing; forcing
 * the drop at that moment makes PostgreSQL kill them, and the dying client's error surfaces as an
 * unhandled error in the suite. So: a plain drop first (retried while sessions finish closing),
 * `with (force)` only as the last resort.
 */
async function dropDatabase(name: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    try {
      await adminQuery(`drop database if exists ${name}`);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== "55006") throw err; // object_in_use
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await adminQuery(`drop database if exists ${name} with (force)`);
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Polls `probe` until it gives a truthy value (returned), or fails naming `what` after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 90_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
