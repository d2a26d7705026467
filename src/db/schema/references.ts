/**
 * Every reference between rows, table by table, in one list: the plain foreign keys (a column
 * holding the id of a row of one table, declared with `ref()` in the catalog) and the polymorphic
 * references (a type column naming the table through {@link ENTITY_TABLES}, and an id column;
 * declared with `polymorphic` in the catalog, the allowed types being the type column's values).
 * Whatever reads rows from outside and must not let a reference dangle — `hirevault import`
 * first of all — walks this list instead of finding references by itself.
 *
 * Columns whose name says "reference" (`…_id`) but that are deliberately not one are listed in
 * {@link NOT_REFERENCES} with the reason; `test/db/references.test.ts` fails when a table gains
 * an `…_id` column that is neither, so a new reference cannot slip past the checks unnoticed.
 */
import { ENTITY_TABLES } from "./entity-types.js";
import { TABLE_NAMES, type TableName, tableSpec } from "./index.js";

/** `column` holds the id of a row of `table` (or NULL where the column allows it). */
export interface ForeignKeyReference {
  readonly kind: "foreign key";
  readonly column: string;
  readonly table: TableName;
}

/** `typeColumn` names the table (a key of `targets`), `idColumn` the row in it; both or neither set. */
export interface PolymorphicReference {
  readonly kind: "polymorphic";
  readonly typeColumn: string;
  readonly idColumn: string;
  /** Entity word → the table its ids are in. */
  readonly targets: Readonly<Record<string, TableName>>;
}

export type Reference = ForeignKeyReference | PolymorphicReference;

/** The references of each table of the catalog (`account_id` included: a foreign key to accounts). */
export const REFERENCES: Readonly<Record<TableName, readonly Reference[]>> = Object.fromEntries(
  TABLE_NAMES.map((table) => [table, referencesOf(table)]),
) as unknown as Record<TableName, readonly Reference[]>;

/**
 * Columns named like a reference that are none, as `table.column` → why. They are history or
 * outside names: what they point at may be gone, or was never a row of this account.
 */
export const NOT_REFERENCES: Readonly<Record<string, string>> = {
  "audit_log.actor_id":
    "history: the user or API token that acted (actor_type says which, none for the system); it may have been deleted since",
  "audit_log.entity_id":
    "history: the record the entry is about, in any table (entity_type); it may have been deleted since",
  "deletions.entity_id": "a tombstone: the id of a row that no longer exists, by definition",
  "outbox_emails.message_id": "the Message-ID header of a sent email (text), not a row id",
};

/** Whether a column's name makes it look like a reference. */
export function looksLikeReference(column: string): boolean {
  return column.endsWith("_id");
}

function referencesOf(table: TableName): Reference[] {
  const spec = tableSpec(table);
  const refs: Reference[] = [];
  for (const [column, c] of Object.entries(spec.columns)) {
    if (c.references) refs.push({ kind: "foreign key", column, table: c.references as TableName });
  }
  const poly = spec.polymorphic;
  if (poly) {
    const words = spec.columns[poly.typeColumn]?.values ?? [];
    const targets: Record<string, TableName> = {};
    for (const word of words) {
      const target = (ENTITY_TABLES as Record<string, TableName | undefined>)[word];
      if (target) targets[word] = target;
    }
    refs.push({ kind: "polymorphic", typeColumn: poly.typeColumn, idColumn: poly.idColumn, targets });
  }
  return refs;
}

/** The tables a reference may point at. */
export function targetsOf(ref: Reference): TableName[] {
  return ref.kind === "foreign key" ? [ref.table] : [...new Set(Object.values(ref.targets))];
}
