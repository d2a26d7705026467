import type { Kysely, SelectQueryBuilder } from "kysely";
import { lockForKeyShare, lockForUpdate } from "../db/dialect.js";
import type { DB, TableName } from "../db/schema/index.js";
import { type Cursor, decodeCursor, encodeCursor } from "./cursor.js";

// Generic code addresses tables by name; Kysely cannot type that, so it works on `any` rows here
// and the catalog (`src/db/schema/`) is what keeps column names honest.
// biome-ignore lint/suspicious/noExplicitAny: see above
type AnyDb = Kysely<any>;
export type StoredRow = Record<string, unknown>;

export interface PageQuery {
  limit: number;
  cursor?: string | undefined;
  updatedSince?: string | undefined;
  /** Already-coerced equality filters. */
  where?: Record<string, unknown> | undefined;
}

/** Tenant-scoped reads and writes of any catalog table. Every query carries `account_id`. */
export class EntityRepository {
  private readonly db: AnyDb;
  constructor(private readonly typed: Kysely<DB>) {
    this.db = typed as unknown as AnyDb;
  }

  /** Runs `fn` with a repository bound to a transaction. */
  withTransaction(trx: Kysely<DB>): EntityRepository {
    return new EntityRepository(trx);
  }

  /** One page in keyset order: by id, or by (updated_at, id) when syncing incrementally. */
  async page(
    accountId: string,
    table: TableName,
    q: PageQuery,
  ): Promise<{ rows: StoredRow[]; next: string | null }> {
    const cursor: Cursor | undefined = q.cursor ? decodeCursor(q.cursor) : undefined;
    const bySync = q.updatedSince !== undefined;
    // biome-ignore lint/suspicious/noExplicitAny: generic table
    let qb: SelectQueryBuilder<any, any, StoredRow> = this.db
      .selectFrom(table)
      .selectAll()
      .where("account_id", "=", accountId);
    for (const [col, value] of Object.entries(q.where ?? {})) qb = qb.where(col, "=", value);
    if (bySync) {
      qb = qb.where("updated_at", ">=", q.updatedSince).orderBy("updated_at").orderBy("id");
      if (cursor?.updatedAt) {
        const { updatedAt, id } = cursor;
        qb = qb.where((eb) =>
          eb.or([
            eb("updated_at", ">", updatedAt),
            eb.and([eb("updated_at", "=", updatedAt), eb("id", ">", id)]),
          ]),
        );
      } else if (cursor) qb = qb.where("id", ">", cursor.id);
    } else {
      qb = qb.orderBy("id");
      if (cursor) qb = qb.where("id", ">", cursor.id);
    }
    const rows = await qb.limit(q.limit + 1).execute();
    const more = rows.length > q.limit;
    if (more) rows.pop();
    const last = rows.at(-1);
    const next =
      more && last
        ? encodeCursor(
            bySync ? { id: String(last.id), updatedAt: String(last.updated_at) } : { id: String(last.id) },
          )
        : null;
    return { rows, next };
  }

  async get(accountId: string, table: TableName, id: string): Promise<StoredRow | undefined> {
    return this.db
      .selectFrom(table)
      .selectAll()
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .executeTakeFirst();
  }

  /**
   * The row, locked for the rest of the transaction (PostgreSQL `FOR UPDATE`): a concurrent
   * update or delete of it waits until this transaction ends, and one that was waiting reads it
   * again after — `undefined` when it was deleted meanwhile. For read-then-write (update, delete).
   */
  async getForUpdate(accountId: string, table: TableName, id: string): Promise<StoredRow | undefined> {
    const qb = this.db.selectFrom(table).selectAll().where("account_id", "=", accountId).where("id", "=", id);
    return lockForUpdate(this.typed, qb).executeTakeFirst();
  }

  /**
   * Get-or-create by a unique key (`key`: the unique constraint's columns, all set in `row`), safe
   * under concurrency on both databases: read the row (held against deletion until commit, see
   * `lockForKeyShare`); if there is none, `INSERT … ON CONFLICT DO NOTHING` — which waits for a
   * concurrent insert of the same key to commit or roll back — and read again when another
   * transaction won. Returns the row that holds the key, ours or theirs.
   */
  async findOrInsert(table: TableName, key: readonly string[], row: StoredRow): Promise<StoredRow> {
    for (let attempt = 0; attempt < 3; attempt++) {
      let qb = this.db.selectFrom(table).selectAll().where("account_id", "=", row.account_id);
      for (const col of key) qb = qb.where(col, "=", row[col]);
      const found = await lockForKeyShare(this.typed, qb).executeTakeFirst();
      if (found) return found;
      const inserted = await this.db
        .insertInto(table)
        .values(row)
        .onConflict((oc) => oc.columns([...key]).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return inserted;
      // Another transaction inserted the key after our read: read its row (unless it went again).
    }
    throw new Error(`${table}: the row for (${key.join(", ")}) kept being created and deleted`);
  }

  /** Inserts `row` unless a row with the same unique `key` exists (then nothing changes). */
  async insertUnlessExists(table: TableName, key: readonly string[], row: StoredRow): Promise<void> {
    await this.db
      .insertInto(table)
      .values(row)
      .onConflict((oc) => oc.columns([...key]).doNothing())
      .execute();
  }

  /** Inserts `row`, or sets `update` on the row that already holds its unique `key`. */
  async upsert(table: TableName, key: readonly string[], row: StoredRow, update: StoredRow): Promise<void> {
    await this.db
      .insertInto(table)
      .values(row)
      .onConflict((oc) => oc.columns([...key]).doUpdateSet(update))
      .execute();
  }

  /** Rows of `table` whose `column` is one of `values`, within the account. */
  async findBy(
    accountId: string,
    table: TableName,
    column: string,
    values: readonly unknown[],
  ): Promise<StoredRow[]> {
    if (values.length === 0) return [];
    const out: StoredRow[] = [];
    for (const chunk of chunks(values, 500)) {
      const rows = await this.db
        .selectFrom(table)
        .selectAll()
        .where("account_id", "=", accountId)
        .where(column, "in", chunk)
        .execute();
      out.push(...rows);
    }
    return out;
  }

  async exists(accountId: string, table: TableName, id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom(table)
      .select("id")
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Whether the row exists, and if so it stays until this transaction ends (PostgreSQL `FOR KEY
   * SHARE`): a write about to point at it (a foreign key, or a polymorphic link the database does
   * not check) cannot race a delete of it. A delete that locked the row first is waited for, and
   * then the row is gone.
   */
  async existsAndStays(accountId: string, table: TableName, id: string): Promise<boolean> {
    const qb = this.db
      .selectFrom(table)
      .select("id")
      .where("account_id", "=", accountId)
      .where("id", "=", id);
    return (await lockForKeyShare(this.typed, qb).executeTakeFirst()) !== undefined;
  }

  async insert(table: TableName, row: StoredRow): Promise<void> {
    await this.db.insertInto(table).values(row).execute();
  }

  async update(accountId: string, table: TableName, id: string, values: StoredRow): Promise<void> {
    await this.db
      .updateTable(table)
      .set(values)
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .execute();
  }
}

/** Splits a list into chunks, to keep `IN (…)` lists and bind parameters bounded. */
export function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}
