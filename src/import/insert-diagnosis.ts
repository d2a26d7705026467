/**
 * Turns a constraint error raised while the import inserts a batch of rows into an ImportError
 * that names the file, the line and the column, instead of the database's own error. The check
 * before the write (reference-check.ts) refuses dangling references and repeated ids, so what
 * still reaches here is mostly a repeated unique key (two applications of one person to one job,
 * two users with one email); every other constraint is explained as well.
 *
 * The failing row is found from what the error says: PostgreSQL prints the offending key, SQLite
 * names the columns (and undoes only the failed statement, so the rows can be looked up). Only
 * this failure path costs anything: a batch that inserts fine is not touched.
 */
import type { Kysely } from "kysely";
import { type ConstraintViolation, constraintViolation } from "../db/dialect.js";
import type { DB, TableName } from "../db/schema/index.js";
import { tableSpec } from "../db/schema/index.js";
import { REFERENCES } from "../db/schema/references.js";
import { primaryFileOf, type SnapshotFile } from "../exports/formats/snapshot/layout.js";
import { chunks } from "../repositories/entity.repository.js";
import { ImportError } from "./import-error.js";

// biome-ignore lint/suspicious/noExplicitAny: generic table names (see entity.repository.ts)
type AnyDb = Kysely<any>;
type Row = Record<string, unknown>;

/**
 * The error to throw for `err`, raised inserting `rows` (read from `lines` of `file`): an
 * ImportError for a constraint error, `err` itself for anything else (a lost connection).
 */
export async function explainInsertFailure(
  trx: Kysely<DB>,
  file: SnapshotFile,
  rows: readonly Row[],
  lines: readonly number[],
  err: unknown,
): Promise<unknown> {
  const violation = constraintViolation(err);
  if (!violation) return err;
  try {
    const found = await locate(trx as unknown as AnyDb, file.table, rows, violation);
    if (found) return ImportError.at(file.path, lines[found.index]!, found.column, found.message(lines));
  } catch {
    // The diagnosis could not look the rows up: fall back to naming the batch.
  }
  const columns = violation.columns?.length ? `, ${label(violation.columns)}` : "";
  return new ImportError(
    `${file.path} lines ${lines[0]}–${lines.at(-1)}${columns}: one of these rows breaks a ${violation.kind} constraint` +
      (violation.constraint ? ` (${violation.constraint})` : ""),
  );
}

interface Found {
  index: number;
  column: string;
  message: (lines: readonly number[]) => string;
}

async function locate(db: AnyDb, table: TableName, rows: readonly Row[], v: ConstraintViolation) {
  switch (v.kind) {
    case "unique":
      return locateRepeat(db, table, rows, v);
    case "foreign key":
      return locateMissing(db, table, rows, v);
    case "not null": {
      const column = v.columns?.[0];
      const index = column ? rows.findIndex((r) => r[column] === null || r[column] === undefined) : -1;
      return index < 0 ? undefined : { index, column: column!, message: () => "must not be empty" };
    }
    default:
      return undefined;
  }
}

/** A row whose unique key repeats one of an earlier row (of this batch, or already inserted). */
async function locateRepeat(
  db: AnyDb,
  table: TableName,
  rows: readonly Row[],
  v: ConstraintViolation,
): Promise<Found | undefined> {
  const spec = tableSpec(table);
  const candidates = v.columns?.length ? [v.columns] : [["id"], ...(spec.unique ?? []).map((u) => [...u])];
  for (const columns of candidates) {
    const shown = label(columns);
    const same = `the same ${shown} as`;
    const rule = `no two rows may have the same ${shown}`;
    // Inside the batch: the second of two rows with one key.
    const first = new Map<string, number>();
    for (let i = 0; i < rows.length; i++) {
      const key = keyOf(rows[i]!, columns);
      if (key === undefined || (v.key !== undefined && key !== v.key)) continue;
      const earlier = first.get(key);
      if (earlier !== undefined)
        return { index: i, column: shown, message: (lines) => `${same} line ${lines[earlier]}; ${rule}` };
      first.set(key, i);
    }
    // Against the rows already inserted: PostgreSQL printed the key; SQLite can be asked.
    if (v.key !== undefined) {
      const index = rows.findIndex((r) => keyOf(r, columns) === v.key);
      if (index >= 0) return { index, column: shown, message: () => `${same} an earlier row; ${rule}` };
      continue;
    }
    if (!v.transactionUsable) continue;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (keyOf(row, columns) === undefined) continue;
      let q = db.selectFrom(table).select("id");
      for (const c of columns) q = q.where(c, "=", row[c]);
      const clash = await q.where("id", "!=", row.id).limit(1).executeTakeFirst();
      if (clash) return { index: i, column: shown, message: () => `${same} an earlier row; ${rule}` };
    }
  }
  return undefined;
}

/** A row whose foreign key names no row of its table. */
async function locateMissing(
  db: AnyDb,
  table: TableName,
  rows: readonly Row[],
  v: ConstraintViolation,
): Promise<Found | undefined> {
  const fks = REFERENCES[table].flatMap((r) => (r.kind === "foreign key" ? [r] : []));
  for (const fk of fks) {
    if (v.columns && !v.columns.includes(fk.column)) continue;
    const missing = (index: number): Found => ({
      index,
      column: fk.column,
      message: () =>
        `no ${tableSpec(fk.table).entity ?? fk.table} of the snapshot has this id` +
        (primaryFileOf(fk.table) ? ` (${primaryFileOf(fk.table)!.path})` : ""),
    });
    if (v.key !== undefined) {
      const index = rows.findIndex((r) => r[fk.column] !== null && String(r[fk.column]) === v.key);
      if (index >= 0) return missing(index);
      continue;
    }
    if (!v.transactionUsable) continue;
    const values = [...new Set(rows.map((r) => r[fk.column]).filter((x) => x !== null && x !== undefined))];
    const present = new Set<unknown>(fk.table === table ? rows.map((r) => r.id) : []);
    for (const part of chunks(values as string[], 500)) {
      for (const r of await db.selectFrom(fk.table).select("id").where("id", "in", part).execute())
        present.add(r.id);
    }
    const index = rows.findIndex(
      (r) => r[fk.column] !== null && r[fk.column] !== undefined && !present.has(r[fk.column]),
    );
    if (index >= 0) return missing(index);
  }
  return undefined;
}

/** The key of `row` over `columns` as PostgreSQL prints it, or undefined when a part is NULL. */
function keyOf(row: Row, columns: readonly string[]): string | undefined {
  const parts: string[] = [];
  for (const c of columns) {
    const value = row[c];
    if (value === null || value === undefined) return undefined;
    parts.push(String(value));
  }
  return parts.join(", ");
}

/** Columns as the message names them: the account is implied. */
function label(columns: readonly string[]): string {
  const shown = columns.filter((c) => c !== "account_id");
  return (shown.length ? shown : columns).join(", ");
}
