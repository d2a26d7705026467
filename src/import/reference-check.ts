/**
 * The pass over a snapshot's CSVs that `hirevault import` makes before it writes anything: every
 * id is a UUID and unique in its table, and every reference (src/db/schema/references.ts: plain
 * foreign keys and polymorphic type + id pairs) resolves to a row of the right table inside the
 * snapshot. The first problem stops the import with the file, the line (the line of the file
 * where the record starts, header = line 1, lines inside quoted cells counted) and the column.
 * Reading every CSV also checks its bytes and row count against `manifest.json`.
 *
 * Memory: the ids of each table some reference points at are kept until the end of the pass, in
 * an {@link IdSet} (16 bytes per id plus the table's slack, 23–45 bytes); the ids of any other
 * table only while that table is read (to find duplicates). Tables are read parents first, so a
 * reference is looked up as it is read; only one whose table is not complete yet (a list inside a
 * folder: lists point at lists) waits, with its line, until that table is.
 */
import { type TableName, tableSpec } from "../db/schema/index.js";
import { REFERENCES, type Reference, targetsOf } from "../db/schema/references.js";
import { isUuid } from "../domain/ids.js";
import type { CsvRecord } from "../exports/csv/csv-reader.js";
import {
  primaryFileOf,
  SNAPSHOT_TABLES,
  type SnapshotFile,
  snapshotFilesOf,
} from "../exports/formats/snapshot/layout.js";
import { IdSet } from "./id-set.js";
import { ImportError } from "./import-error.js";
import { RowDecoder } from "./row-decoder.js";
import type { SnapshotArchive } from "./snapshot-archive.js";

/** What the pass read and what it held at most. */
export interface ReferenceCheckSummary {
  rows: number;
  /** Ids held at the fullest moment, and the bytes of their sets. */
  peakIds: number;
  peakBytes: number;
}

/** Tables in the order they are read: each after the tables its references point at. */
const ORDER: readonly TableName[] = (() => {
  const order: TableName[] = [];
  const seen = new Set<TableName>();
  const visit = (table: TableName) => {
    if (seen.has(table)) return; // done, or a cycle: its references will wait (see above)
    seen.add(table);
    for (const ref of REFERENCES[table])
      for (const target of targetsOf(ref))
        if (target !== table && SNAPSHOT_TABLES.includes(target)) visit(target);
    order.push(table);
  };
  for (const table of SNAPSHOT_TABLES) visit(table);
  return order;
})();

/** Tables some reference of the snapshot points at: their ids are kept to the end. */
const TARGETS: ReadonlySet<TableName> = new Set(
  SNAPSHOT_TABLES.flatMap((t) => REFERENCES[t].flatMap(targetsOf)),
);

/** A reference read before its table was complete. */
interface Waiting {
  id: string;
  path: string;
  line: number;
  column: string;
  /** The entity word of the message ("person"). */
  what: string;
}

/** Checks ids and references of every CSV of the snapshot; throws an ImportError at the first problem. */
export async function checkReferences(archive: SnapshotArchive): Promise<ReferenceCheckSummary> {
  return new ReferenceCheck(archive).run();
}

class ReferenceCheck {
  private readonly complete = new Map<TableName, IdSet>();
  private readonly waiting = new Map<TableName, Waiting[]>();
  private readonly summary: ReferenceCheckSummary = { rows: 0, peakIds: 0, peakBytes: 0 };

  constructor(private readonly archive: SnapshotArchive) {}

  async run(): Promise<ReferenceCheckSummary> {
    for (const table of ORDER) {
      const ids = new IdSet();
      const files = snapshotFilesOf(table);
      for (const file of files) if (file.kind === "rows") await this.scan(file, ids);
      this.measure(ids);
      if (TARGETS.has(table)) this.complete.set(table, ids);
      this.settle(table, ids);
      for (const file of files) if (file.kind !== "rows") await this.scan(file, undefined);
    }
    return this.summary;
  }

  /** Reads one CSV: its ids into `ids` (none for a file without an id column), its references checked. */
  private async scan(file: SnapshotFile, ids: IdSet | undefined): Promise<void> {
    let checks: ((record: CsvRecord) => void)[] | undefined;
    let width = 0;
    let idAt = -1;
    for await (const record of this.archive.records(file)) {
      if (!checks) {
        new RowDecoder(file, record, ""); // the header is the layout's, or a clear refusal
        const names = record.fields;
        width = names.length;
        idAt = ids ? names.indexOf("id") : -1;
        checks = referencesIn(file).map((ref) => this.checker(file, ref, names));
        continue;
      }
      if (record.fields.length !== width) {
        throw new ImportError(
          `${file.path} line ${record.line}: ${record.fields.length} fields, the header has ${width}`,
        );
      }
      this.summary.rows++;
      if (ids && idAt >= 0) {
        const id = record.fields[idAt]!;
        if (!isUuid(id)) throw ImportError.at(file.path, record.line, "id", "must be an id (UUID)");
        if (!ids.add(id)) throw await this.duplicate(file, record, id);
        if (ids.size % 65_536 === 0) this.measure(ids);
      }
      for (const check of checks) check(record);
    }
    if (!checks) throw new ImportError(`${file.path} is empty (not even a header)`);
  }

  /** The check of one reference on each record of a file whose header is `names`. */
  private checker(file: SnapshotFile, ref: Reference, names: readonly string[]): (record: CsvRecord) => void {
    const value = (record: CsvRecord, i: number): string | null => {
      const text = record.fields[i]!;
      return text === "" && !record.quoted[i] ? null : text;
    };
    if (ref.kind === "foreign key") {
      const i = names.indexOf(ref.column);
      const what = entityOf(ref.table);
      return (record) => {
        const id = value(record, i);
        if (id !== null) this.resolve(file, record.line, ref.column, ref.table, id, what);
      };
    }
    const t = names.indexOf(ref.typeColumn);
    const i = names.indexOf(ref.idColumn);
    return (record) => {
      const type = value(record, t);
      const id = value(record, i);
      if (type === null && id === null) return;
      if (type === null || id === null) {
        throw ImportError.at(
          file.path,
          record.line,
          type === null ? ref.typeColumn : ref.idColumn,
          `${ref.typeColumn} and ${ref.idColumn} go together: both set or both empty`,
        );
      }
      const target = Object.hasOwn(ref.targets, type) ? ref.targets[type] : undefined;
      if (!target) {
        throw ImportError.at(
          file.path,
          record.line,
          ref.typeColumn,
          `must be one of ${Object.keys(ref.targets).join(", ")}`,
        );
      }
      this.resolve(file, record.line, ref.idColumn, target, id, type);
    };
  }

  /** Checks that `id` is a row of `target`, now or (table not complete yet) once it is. */
  private resolve(
    file: SnapshotFile,
    line: number,
    column: string,
    target: TableName,
    id: string,
    what: string,
  ): void {
    if (!isUuid(id)) throw ImportError.at(file.path, line, column, "must be an id (UUID)");
    const ids = this.complete.get(target);
    if (ids) {
      if (!ids.has(id)) throw dangling(file.path, line, column, target, id, what);
      return;
    }
    if (!SNAPSHOT_TABLES.includes(target)) throw dangling(file.path, line, column, target, id, what);
    const list = this.waiting.get(target) ?? [];
    list.push({ id, path: file.path, line, column, what });
    this.waiting.set(target, list);
  }

  /** `table` is complete: the references that waited for it must find their rows. */
  private settle(table: TableName, ids: IdSet): void {
    for (const w of this.waiting.get(table) ?? [])
      if (!ids.has(w.id)) throw dangling(w.path, w.line, w.column, table, w.id, w.what);
    this.waiting.delete(table);
  }

  /** The refusal of a repeated id, naming the line where it came first (read again to find it). */
  private async duplicate(file: SnapshotFile, record: CsvRecord, id: string): Promise<ImportError> {
    for (const earlier of snapshotFilesOf(file.table)) {
      if (earlier.kind !== "rows") continue;
      let idAt = -1;
      for await (const r of this.archive.records(earlier)) {
        if (idAt < 0) {
          idAt = r.fields.indexOf("id");
          continue;
        }
        if (earlier === file && r.line >= record.line) break;
        if (r.fields[idAt] === id) {
          const where = earlier === file ? `line ${r.line}` : `${earlier.path} line ${r.line}`;
          return ImportError.at(file.path, record.line, "id", `${id} is already the id of ${where}`);
        }
      }
      if (earlier === file) break;
    }
    return ImportError.at(file.path, record.line, "id", `${id} is the id of an earlier row`);
  }

  private measure(current: IdSet): void {
    let ids = current.size;
    let bytes = current.bytes;
    for (const set of this.complete.values()) {
      if (set === current) continue;
      ids += set.size;
      bytes += set.bytes;
    }
    if (bytes > this.summary.peakBytes) {
      this.summary.peakBytes = bytes;
      this.summary.peakIds = ids;
    }
  }
}

/** The references whose columns the file holds (`account_id` is not in any: the import sets it). */
function referencesIn(file: SnapshotFile): Reference[] {
  const has = new Set(file.columns.map((c) => c.name));
  if (file.kind !== "rows") {
    return file.columns.flatMap((c) =>
      c.references ? [{ kind: "foreign key", column: c.name, table: c.references } as const] : [],
    );
  }
  return REFERENCES[file.table].filter((ref) =>
    ref.kind === "foreign key" ? has.has(ref.column) : has.has(ref.typeColumn) && has.has(ref.idColumn),
  );
}

function entityOf(table: TableName): string {
  return tableSpec(table).entity ?? table;
}

function dangling(
  path: string,
  line: number,
  column: string,
  target: TableName,
  id: string,
  what: string,
): ImportError {
  const where = primaryFileOf(target)?.path ?? (SNAPSHOT_TABLES.includes(target) ? target : undefined);
  return ImportError.at(
    path,
    line,
    column,
    where
      ? `no ${what} with id ${id} in ${where}`
      : `no ${what} with id ${id}: a snapshot holds no ${target}`,
  );
}
