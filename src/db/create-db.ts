import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { type DialectName, SqliteBooleanPlugin } from "./dialect.js";
import { bindSnapshotClient } from "./pg-copy.js";
import type { DB } from "./schema/index.js";

export interface Database {
  readonly db: Kysely<DB>;
  readonly dialect: DialectName;
  /** Human-readable location, without credentials (for logs). */
  readonly location: string;
  /**
   * Runs `fn` on one consistent, read-only view of the data (docs/EXPORTS.md#the-three-exports: an
   * export reads the account as it was when it started). PostgreSQL: a `REPEATABLE READ READ ONLY`
   * transaction. SQLite: a read transaction on a connection of its own, so the export's long read
   * neither blocks nor waits for the process's writers (WAL keeps its snapshot while they commit).
   */
  readSnapshot<T>(fn: (db: Kysely<DB>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://…` selects PostgreSQL; otherwise SQLite at `sqlitePath`. */
  databaseUrl?: string | undefined;
  sqlitePath?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /**
   * SQLite: how long a write waits for another connection's write lock before it fails as busy
   * (`busy_timeout`); {@link DEFAULT_SQLITE_BUSY_TIMEOUT_MS} when omitted.
   */
  sqliteBusyTimeoutMs?: number;
  /**
   * PostgreSQL: how long a statement waits for a row or table lock before it fails as busy
   * (`lock_timeout`, SQLSTATE 55P03). Omitted: it waits for as long as the lock is held
   * (PostgreSQL's default).
   */
  pgLockTimeoutMs?: number;
}

/** How long a SQLite write waits for the write lock (10 s): a busy database answers 503 after it. */
export const DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 10_000;

// PostgreSQL returns timestamps as Date, dates as Date and bigint as string by default; make them
// the same values SQLite gives (ISO 8601 text, 'YYYY-MM-DD', number). bigint columns hold cents
// and byte sizes, far below 2^53.
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 1184) return timestamptzText;
    if (oid === 1082) return (v: string) => v;
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

/** `2026-11-24 09:00:00.12+00` as the session (UTC, see the pool) writes it. */
const UTC_TIMESTAMP = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,3}))?\+00$/;

/**
 * timestamptz text → `2026-11-24T09:00:00.120Z` (what `toISOString` writes): sliced when the
 * session writes UTC, as it does here — every timestamp of every export passes through this, and
 * a `Date` per value was 7 % of a full export's CPU —, through `Date` for any other shape.
 */
export function timestamptzText(v: string): string {
  const m = UTC_TIMESTAMP.exec(v);
  if (m) return `${m[1]}T${m[2]}.${(m[3] ?? "").padEnd(3, "0")}Z`;
  return new Date(v.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00")).toISOString();
}

/**
 * Opens the database chosen by configuration (README.md#configuration): SQLite by default,
 * PostgreSQL by URL.
 */
export function createDatabase(opts: DatabaseOptions): Database {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      types: pgTypes,
    });
    // Pooled clients by backend pid, so a read snapshot can find its own connection for COPY.
    const clients = new Map<number, pg.PoolClient>();
    pool.on("connect", (c) => {
      // Timestamps in UTC whatever the server's default (timestamptzText's fast path). A SET, not
      // a startup `options`, which PgBouncer refuses; it runs before any query the pool hands on.
      // Should it fail, timestamps of other offsets take the slower `Date` path, still right.
      c.query("set time zone 'UTC'").catch(() => undefined);
      if (opts.pgLockTimeoutMs !== undefined)
        c.query(`set lock_timeout = ${Math.max(0, Math.trunc(opts.pgLockTimeoutMs))}`).catch(() => undefined);
      const pid = (c as unknown as { processID: number | null }).processID;
      if (pid !== null) clients.set(pid, c as pg.PoolClient);
    });
    pool.on("remove", (c) => {
      const pid = (c as unknown as { processID: number | null }).processID;
      if (pid !== null) clients.delete(pid);
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    const url = new URL(opts.databaseUrl);
    return {
      db,
      dialect: "postgres",
      location: `postgres://${url.host}${url.pathname}`,
      readSnapshot: (fn) =>
        db
          .transaction()
          .setIsolationLevel("repeatable read")
          .setAccessMode("read only")
          .execute(async (trx) => {
            // REPEATABLE READ takes its snapshot at the first statement: take it now. The backend
            // pid names the pooled client, which COPY needs (pg-copy.ts).
            const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
            // Exports read in key order (keyset batches, lookups by key). Without statistics
            // (autovacuum off, or a table just imported) the planner picks bitmap scans that read
            // and sort the rest of the account for every batch: 209 ms against 0.8 ms per
            // 1,000-row batch of a 457,000-row audit log. Plain index scans are right for these
            // reads whatever the statistics say; LOCAL ends with the snapshot's transaction.
            await sql`set local enable_bitmapscan = off`.execute(trx);
            // Shortest round-trip float text (PostgreSQL 12+'s default, pinned for the snapshot):
            // COPY (pg-copy.ts) and the rows read through the driver then spell the same digits.
            await sql`set local extra_float_digits = 1`.execute(trx);
            const client = clients.get(rows[0]!.pid);
            const unbind = client ? bindSnapshotClient(trx, client) : () => {};
            try {
              return await fn(trx);
            } finally {
              unbind();
            }
          }),
      close: () => db.destroy(),
    };
  }
  const file = opts.sqlitePath ?? ":memory:";
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const busyTimeoutMs = opts.sqliteBusyTimeoutMs ?? DEFAULT_SQLITE_BUSY_TIMEOUT_MS;
  const db = openSqlite(file, { busyTimeoutMs });
  return {
    db,
    dialect: "sqlite",
    location: file,
    readSnapshot: (fn) =>
      file === ":memory:" ? db.transaction().execute(fn) : sqliteSnapshot(file, busyTimeoutMs, fn),
    close: () => db.destroy(),
  };
}

function openSqlite(file: string, opts: { readonly?: boolean; busyTimeoutMs: number }): Kysely<DB> {
  const sqlite = new SQLite(file, { readonly: opts.readonly ?? false });
  // WAL lets exports read one consistent snapshot while the API keeps writing; a busy timeout
  // makes concurrent writers (API + worker processes) wait instead of failing at once.
  if (!opts.readonly) sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs))}`);
  return new Kysely<DB>({
    dialect: new SqliteDialect({ database: sqlite }),
    plugins: [new SqliteBooleanPlugin()],
  });
}

async function sqliteSnapshot<T>(
  file: string,
  busyTimeoutMs: number,
  fn: (db: Kysely<DB>) => Promise<T>,
): Promise<T> {
  const reader = openSqlite(file, { readonly: true, busyTimeoutMs });
  try {
    return await reader.transaction().execute(async (trx) => {
      // A deferred BEGIN takes its snapshot at the first read: take it now, not at fn's first query.
      await trx.selectFrom("accounts").select("id").limit(1).execute();
      return fn(trx);
    });
  } finally {
    await reader.destroy();
  }
}
