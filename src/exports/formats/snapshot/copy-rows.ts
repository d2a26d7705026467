/**
 * PostgreSQL's fast path for a snapshot CSV (docs/BENCHMARKS.md#goals: ≥ 0.7× `COPY … TO STDOUT
 * CSV`): the file's rows as `COPY (SELECT …) TO STDOUT (FORMAT csv)` on the snapshot's own
 * connection, each column spelled in SQL exactly as `cell-value.ts` + the machine dialect spell it
 * in JavaScript — the same rows, order and bytes as `fileRows` (a test compares the two on hostile
 * data):
 *
 * - text, ids, JSON, integers: as stored (bigint's digits are what `Number` → `String` gives below
 *   2^53, which every bigint column is: cents and byte sizes);
 * - booleans: `true`/`false` (`boolean::text`);
 * - timestamps: `YYYY-MM-DDTHH:MM:SS.sssZ` in UTC, what `toISOString` writes; dates `YYYY-MM-DD`;
 * - doubles: PostgreSQL and JavaScript both write the shortest round-trip digits, but switch to
 *   exponent notation at different magnitudes (PostgreSQL below 1e-4 and from 1e15, JavaScript
 *   below 1e-6 and from 1e21), and PostgreSQL writes `-0`, `Infinity`. A file whose doubles are
 *   all 0 or within [1e-4, 1e15) in magnitude is copied (0 written `0`); any other takes the row
 *   path, which writes them the JavaScript way.
 * The attachment files, whose `path` column depends on which files the zip could read, take the
 * row path too. So does SQLite, which has no COPY.
 */
import type { Readable } from "node:stream";
import { sql } from "kysely";
import { type CopyQuoting, copyOut } from "../../../db/pg-copy.js";
import type { ColumnType } from "../../../db/schema/index.js";
import { PATH_COLUMN, type SnapshotFile } from "./layout.js";
import { filtered, type RowSource, storedColumns } from "./table-rows.js";

/** Below this and from the next bound, PostgreSQL writes a double with an exponent. */
const PLAIN_DOUBLE = { min: 1e-4, max: 1e15 } as const;

/**
 * The file's CSV records (no header; LF-terminated as COPY writes them) straight from
 * PostgreSQL, or null when this file must take the row path (see above).
 */
export async function copyFileRecords(source: RowSource, file: SnapshotFile): Promise<Readable | null> {
  if (file.columns.includes(PATH_COLUMN)) return null;
  const types = columnTypes(file);
  const doubles = [...types].filter(([, t]) => t === "number").map(([c]) => c);
  if (doubles.length && !(await plainDoubles(source, file, doubles))) return null;
  return copyOut(source.db, (q) => {
    const select = [...types].map(([c, t]) => spelled(q.ident(c), t)).join(", ");
    return `select ${select} from ${q.ident(file.table)} where ${fileWhere(q, source.accountId, file)} order by id`;
  });
}

/** Stored column → its catalog type, in header order. */
function columnTypes(file: SnapshotFile): Map<string, ColumnType> {
  const stored = storedColumns(file);
  const types = file.columns.filter((c) => c !== PATH_COLUMN).map((c) => c.type);
  return new Map(stored.map((c, i) => [c, types[i]!]));
}

/** A column as the row path writes it. */
function spelled(col: string, type: ColumnType): string {
  switch (type) {
    case "boolean":
      return `${col}::text`;
    case "timestamp":
      return `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    case "date":
      return `to_char(${col}, 'YYYY-MM-DD')`;
    case "number":
      return `case when ${col} = 0 then '0' else ${col}::text end`;
    default:
      return col;
  }
}

/**
 * The file's rows as a SQL condition: the account, its row filter, non-null enrichment (what
 * `filtered` in table-rows.ts builds with Kysely). Also the bench's COPY baseline's condition.
 */
export function fileWhere(q: CopyQuoting, accountId: string, file: SnapshotFile): string {
  const terms = [`account_id = ${q.lit(accountId)}`];
  if (file.kind === "enrichment") terms.push("enrichment is not null");
  const w = file.where;
  if (w?.in) terms.push(`${q.ident(w.column)} in (${w.in.map(q.lit).join(", ")})`);
  if (w?.notIn?.length) terms.push(`${q.ident(w.column)} not in (${w.notIn.map(q.lit).join(", ")})`);
  return terms.join(" and ");
}

/** Whether every double of the file's rows is written alike by PostgreSQL and JavaScript. */
async function plainDoubles(source: RowSource, file: SnapshotFile, columns: string[]): Promise<boolean> {
  const odd = columns.map(
    (c) =>
      sql`(${sql.ref(c)} <> 0 and not (abs(${sql.ref(c)}) >= ${PLAIN_DOUBLE.min} and abs(${sql.ref(c)}) < ${PLAIN_DOUBLE.max}))`,
  );
  const q = filtered(source, file)
    .select(sql<number>`1`.as("odd"))
    .where(sql<boolean>`${sql.join(odd, sql` or `)}`)
    .limit(1);
  return (await q.execute()).length === 0;
}
