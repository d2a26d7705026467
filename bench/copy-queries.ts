/**
 * The COPY baselines' queries: for each export, the same columns, rows and order as its CSVs
 * read, so `COPY … TO STDOUT CSV` of them is the fair floor for writing those CSVs. Built from the
 * exports' own layouts (snapshot files, full export tables) so they follow any change to them.
 */
import { DATA_TABLES } from "../src/exports/formats/full/tables/index.js";
import { fileWhere } from "../src/exports/formats/snapshot/copy-rows.js";
import { SNAPSHOT_FILES } from "../src/exports/formats/snapshot/layout.js";
import { storedColumns } from "../src/exports/formats/snapshot/table-rows.js";
import { type CopyQuery, ident, lit } from "./contenders.js";

/** COPY of exactly the snapshot's CSVs: each layout file's stored columns, rows and order. */
export function snapshotQueries(accountId: string): CopyQuery[] {
  return SNAPSHOT_FILES.map((f) => ({
    name: f.path.replace(/\//g, "__"),
    select: `select ${storedColumns(f).map(ident).join(", ")} from ${ident(f.table)} where ${fileWhere({ lit, ident }, accountId, f)} order by id`,
  }));
}

/**
 * The tables behind the Data Files zip's eight query-backed CSVs (`Candidates.csv` and
 * `Attachments.csv` are written during the file passes, which are compared with Info-ZIP).
 */
function fullTables(): string[] {
  return DATA_TABLES.flatMap((t) => (t.rowsOf ? [t.rowsOf] : []));
}

/** COPY of every row of the account in each of `fullTables()`, all columns, by id. */
export function fullQueries(accountId: string): CopyQuery[] {
  return fullTables().map((t) => ({
    name: t,
    select: `select * from ${ident(t)} where account_id = ${lit(accountId)} order by id`,
  }));
}
