/**
 * PostgreSQL `COPY (SELECT …) TO STDOUT` on a read snapshot's own connection: the server writes
 * the CSV itself, several times faster than reading rows into JavaScript and formatting them
 * (docs/BENCHMARKS.md#goals: a CSV from PostgreSQL should reach 0.7× of COPY). SQLite has no COPY;
 * callers fall back to reading rows when {@link copyOut} says no.
 *
 * `readSnapshot` (create-db.ts) binds the snapshot's Kysely transaction to its pooled client, so
 * the COPY reads the very snapshot the rest of the export reads. COPY takes no bind parameters
 * (its query is a utility statement's argument), so values are inlined with the driver's own
 * escaping — and only values the caller passes through `lit`.
 */
import type { Readable } from "node:stream";
import type { Kysely } from "kysely";
import type pg from "pg";
import copyStreams from "pg-copy-streams";
import type { DB } from "./schema/index.js";

const SNAPSHOT_CLIENTS = new WeakMap<Kysely<DB>, pg.PoolClient>();

/** Called by `readSnapshot`: `db` (its transaction) runs on `client` until the snapshot ends. */
export function bindSnapshotClient(db: Kysely<DB>, client: pg.PoolClient): () => void {
  SNAPSHOT_CLIENTS.set(db, client);
  return () => SNAPSHOT_CLIENTS.delete(db);
}

/** Quoting helpers for the COPY query (the driver's escaping: `'…'` and `"…"`). */
export interface CopyQuoting {
  lit(value: string): string;
  ident(name: string): string;
}

/**
 * `COPY (<select>) TO STDOUT (FORMAT csv)` on `db`'s snapshot connection, as a byte stream; null
 * when `db` is not a PostgreSQL read snapshot. No other query may run on `db` until the stream
 * has ended (they would queue behind it on the one connection).
 */
export function copyOut(db: Kysely<DB>, select: (q: CopyQuoting) => string): Readable | null {
  const client = SNAPSHOT_CLIENTS.get(db);
  if (!client) return null;
  const q: CopyQuoting = {
    lit: (v) => client.escapeLiteral(v),
    ident: (n) => client.escapeIdentifier(n),
  };
  return client.query(copyStreams.to(`copy (${select(q)}) to stdout (format csv)`));
}
