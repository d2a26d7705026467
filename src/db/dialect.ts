/**
 * The ONLY place where SQLite and PostgreSQL differ (Ghost's sql-helpers, Kysely's dialect
 * folders). Business code never asks which database it runs on; it calls these helpers.
 */
import {
  type Kysely,
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  SqliteAdapter,
  sql,
  type UnknownRow,
  type ValueNode,
} from "kysely";
import type { DB } from "./schema/index.js";
import { TABLES } from "./schema/index.js";

export type DialectName = "sqlite" | "postgres";

/** Every boolean column name of the catalog, so SQLite's 0/1 can be read back as booleans. */
const BOOLEAN_COLUMNS: ReadonlySet<string> = new Set(
  Object.values(TABLES).flatMap((t) =>
    Object.entries(t.columns)
      .filter(([, c]) => c.type === "boolean")
      .map(([name]) => name),
  ),
);

class BooleanToInteger extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    return typeof node.value === "boolean" ? { ...node, value: node.value ? 1 : 0 } : node;
  }
  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    return { ...node, values: node.values.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v)) };
  }
}

/**
 * better-sqlite3 cannot bind JavaScript booleans and returns 0/1: this plugin writes booleans
 * as 1/0 and reads catalog boolean columns back as booleans, so rows look the same on both
 * databases. (A catalog test forbids a boolean column name being reused with another type.)
 */
export class SqliteBooleanPlugin implements KyselyPlugin {
  readonly #transformer = new BooleanToInteger();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    for (const row of args.result.rows) convertBooleans(row);
    return args.result;
  }
}

/** Converts 0/1 of boolean columns in place. */
export function convertBooleans(row: UnknownRow): UnknownRow {
  for (const key in row) {
    if (BOOLEAN_COLUMNS.has(key)) {
      const v = row[key];
      if (v === 0 || v === 1) row[key] = v === 1;
    }
  }
  return row;
}

/** Whether an error is a unique-constraint violation (SQLITE_CONSTRAINT_UNIQUE / 23505). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string } | null;
  return (
    e?.code === "SQLITE_CONSTRAINT_UNIQUE" ||
    e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY" ||
    e?.code === "23505"
  );
}

/** Whether an error is a foreign-key violation (SQLITE_CONSTRAINT_FOREIGNKEY / 23503). */
export function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string } | null;
  return e?.code === "SQLITE_CONSTRAINT_FOREIGNKEY" || e?.code === "23503";
}

/** A constraint the database refused a write for, as much as its error tells. */
export interface ConstraintViolation {
  kind: "unique" | "foreign key" | "not null" | "check";
  /** The columns involved, when the error names them (SQLite names none for a foreign key). */
  columns?: string[];
  /** PostgreSQL: the offending key as it prints it, values joined by `, ` (with `columns`). */
  key?: string;
  /** The constraint's name, when the error gives it. */
  constraint?: string;
  /**
   * Whether the transaction can still run statements: SQLite undoes only the failed statement,
   * PostgreSQL aborts the whole transaction until it rolls back.
   */
  transactionUsable: boolean;
}

/** What a constraint error says (SQLITE_CONSTRAINT_* / class 23), or null for any other error. */
export function constraintViolation(err: unknown): ConstraintViolation | null {
  const e = err as {
    code?: unknown;
    message?: unknown;
    detail?: unknown;
    column?: unknown;
    constraint?: unknown;
  };
  if (typeof e?.code !== "string") return null;
  if (e.code.startsWith("SQLITE_CONSTRAINT")) {
    // "UNIQUE constraint failed: tags.account_id, tags.name", "NOT NULL constraint failed: t.c",
    // "FOREIGN KEY constraint failed", "CHECK constraint failed: name"
    const message = String(e.message ?? "");
    const after = message.slice(message.indexOf("failed:") + 7).trim();
    const columns = () => after.split(", ").map((c) => c.slice(c.lastIndexOf(".") + 1));
    const base = { transactionUsable: true } as const;
    switch (e.code) {
      case "SQLITE_CONSTRAINT_UNIQUE":
      case "SQLITE_CONSTRAINT_PRIMARYKEY":
        return { ...base, kind: "unique", columns: columns() };
      case "SQLITE_CONSTRAINT_NOTNULL":
        return { ...base, kind: "not null", columns: columns() };
      case "SQLITE_CONSTRAINT_FOREIGNKEY":
        return { ...base, kind: "foreign key" };
      default:
        return { ...base, kind: "check", ...(message.includes("failed:") ? { constraint: after } : {}) };
    }
  }
  if (!/^23[0-9A-Z]{3}$/.test(e.code)) return null;
  const base = {
    transactionUsable: false,
    ...(typeof e.constraint === "string" ? { constraint: e.constraint } : {}),
  };
  // detail: `Key (account_id, name)=(…, …) already exists.` / `Key (person_id)=(…) is not present in table "persons".`
  const key = /^Key \((.+?)\)=\((.*)\) (?:already exists|is not present in table .*)\.$/s.exec(
    String(e.detail ?? ""),
  );
  const fromDetail = key ? { columns: key[1]!.split(", "), key: key[2]! } : {};
  switch (e.code) {
    case "23505":
      return { ...base, kind: "unique", ...fromDetail };
    case "23503":
      return { ...base, kind: "foreign key", ...fromDetail };
    case "23502":
      return { ...base, kind: "not null", ...(typeof e.column === "string" ? { columns: [e.column] } : {}) };
    default:
      return { ...base, kind: "check" };
  }
}

/**
 * PostgreSQL SQLSTATEs that mean "another transaction is in the way; the same request may succeed
 * if repeated": lock_not_available (a lock wait passed `lock_timeout`, or NOWAIT),
 * serialization_failure and deadlock_detected (the server rolled this transaction back so another
 * could finish). Each leaves nothing written.
 */
const PG_BUSY_CODES: ReadonlySet<string> = new Set(["55P03", "40001", "40P01"]);

/**
 * Whether an error means the database was busy with another writer rather than that the request
 * or the data is wrong: SQLite's SQLITE_BUSY family ("database is locked": the write lock stayed
 * taken for the whole busy timeout, or a snapshot went stale), or one of {@link PG_BUSY_CODES}.
 * The transaction was rolled back, so the caller may retry; the HTTP API answers 503 with
 * Retry-After. Follows `cause` a few levels, for errors wrapped on their way up.
 */
export function isDatabaseBusy(err: unknown): boolean {
  let e = err as { code?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; depth < 5 && e && typeof e === "object"; depth++) {
    const code = typeof e.code === "string" ? e.code : "";
    if (code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY_") || PG_BUSY_CODES.has(code)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** SQLite's host-parameter limit is 32,766; stay well below it for multi-row inserts. */
export const MAX_BIND_PARAMETERS = 30_000;

/** Case-insensitive "contains" for search filters (`ILIKE` on PostgreSQL, `LIKE` on SQLite). */
export function likeOperator(dialect: DialectName): "ilike" | "like" {
  return dialect === "postgres" ? "ilike" : "like";
}

/** SQLite page cache for bulk writes (seed, import): 64 MiB (the default is 2 MiB). */
const BULK_SQLITE_CACHE_KIB = 65_536;

/**
 * On SQLite, raises the connection's page cache for the duration of a bulk write and returns a
 * function that puts the old size back. With the default 2 MiB, a batch's index pages do not fit,
 * so SQLite spills and rewrites them to the WAL again and again (tens of GB at 100,000
 * candidates). PostgreSQL sizes its cache server-side: nothing to do there.
 */
export async function growWriteCache(db: Kysely<DB>): Promise<() => Promise<void>> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return async () => {};
  const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(db);
  const previous = Number(rows[0]?.cache_size ?? -2000);
  await sql.raw(`pragma cache_size = -${BULK_SQLITE_CACHE_KIB}`).execute(db);
  return async () => {
    await sql.raw(`pragma cache_size = ${Math.trunc(previous)}`).execute(db);
  };
}

function isSqlite(db: Kysely<DB>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/**
 * Runs `fn` in a write transaction that holds the write lock from its first statement. SQLite:
 * `BEGIN IMMEDIATE`, so two processes claiming jobs never both read the same free row and then
 * fail to upgrade their lock (a deferred `BEGIN` would get SQLITE_BUSY_SNAPSHOT, which no busy
 * timeout retries). PostgreSQL: an ordinary transaction; claims add {@link lockSkippingLocked}.
 */
export async function writeTransaction<T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  if (!isSqlite(db)) return db.transaction().execute(fn);
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw err;
    }
  });
}

/**
 * `FOR UPDATE SKIP LOCKED` on PostgreSQL (several workers claim different rows without waiting
 * on each other, as graphile-worker and Solid Queue do); nothing on SQLite, where
 * {@link writeTransaction} already serialises writers.
 */
export function lockSkippingLocked<QB extends { forUpdate(): QB; skipLocked(): QB }>(
  db: Kysely<DB>,
  qb: QB,
): QB {
  return isSqlite(db) ? qb : qb.forUpdate().skipLocked();
}

/**
 * `FOR UPDATE` on PostgreSQL: the row read is the row written, and a second writer waits, then
 * re-reads it (gone if the first deleted it). Nothing on SQLite, where a write transaction
 * already runs alone (one connection per process; `BEGIN IMMEDIATE` across processes).
 */
export function lockForUpdate<QB extends { forUpdate(): QB }>(db: Kysely<DB>, qb: QB): QB {
  return isSqlite(db) ? qb : qb.forUpdate();
}

/**
 * `FOR KEY SHARE` on PostgreSQL: the row cannot be deleted (or its key changed) until the
 * transaction ends, so a row found and then referenced stays there; other readers and
 * non-key updates are not blocked. Nothing on SQLite (see {@link lockForUpdate}).
 */
export function lockForKeyShare<QB extends { forKeyShare(): QB }>(db: Kysely<DB>, qb: QB): QB {
  return isSqlite(db) ? qb : qb.forKeyShare();
}
