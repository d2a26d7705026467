/**
 * Lookups shared by the Data Files tables: names behind ids, and the small helpers that
 * shape lists into cells. Every row read is of the export's account (checked in SQL, or by
 * {@link ownRows} for key lookups); no query runs for an empty id list.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../../db/schema/index.js";
import { ownRows } from "../../../own-rows.js";

/**
 * Separator of list values inside one cell (docs/EXPORTS.md#the-full-data-export tables: lists
 * joined with "; ").
 */
export const LIST_SEPARATOR = "; ";

/** A list as one cell: values joined with "; ", or an empty cell for no value. */
export function joinList(values: readonly string[]): string | null {
  return values.length === 0 ? null : values.join(LIST_SEPARATOR);
}

/** "First Last", leaving out an empty part (the same display name as the Candidates report). */
export function personName(first: string, last: string): string {
  return [first, last].filter((s) => s !== "").join(" ");
}

/** The distinct non-null ids of `values`, for an `in (…)` list. */
export function distinctIds(values: Iterable<string | null | undefined>): string[] {
  const ids = new Set<string>();
  for (const v of values) if (v !== null && v !== undefined) ids.add(v);
  return [...ids];
}

export { ownRows };

/** The value of `id` in `map`; null for a null id or an id it does not hold. */
export function lookup<V>(map: ReadonlyMap<string, V>, id: string | null): V | null {
  return id === null ? null : (map.get(id) ?? null);
}

/**
 * User id → name of the whole account, loaded once per table: a team has tens of users, a large
 * one a few thousand, against millions of the rows that point at them.
 */
export async function loadUserNames(db: Kysely<DB>, accountId: string): Promise<Map<string, string>> {
  const users = await db
    .selectFrom("users")
    .select(["id", "name"])
    .where("account_id", "=", accountId)
    .execute();
  return new Map(users.map((u) => [u.id, u.name]));
}

/** What {@link loadNames} can name, and how: the table, its name columns, the display name. */
const NAMED = {
  company: { table: "companies", columns: ["name"], name: (r: NameColumns) => r.name! },
  deal: { table: "deals", columns: ["name"], name: (r: NameColumns) => r.name! },
  job: { table: "jobs", columns: ["title"], name: (r: NameColumns) => r.title! },
  person: {
    table: "persons",
    columns: ["first_name", "last_name"],
    name: (r: NameColumns) => personName(r.first_name!, r.last_name!),
  },
} as const;

type NameColumns = Partial<Record<"name" | "title" | "first_name" | "last_name", string>>;

/**
 * Id → display name of the given records of one kind: a company's or deal's name, a job's title,
 * a person's "First Last". Primary-key lookups; ids of other accounts are dropped ({@link ownRows}).
 */
export async function loadNames(
  db: Kysely<DB>,
  accountId: string,
  kind: keyof typeof NAMED,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const named = NAMED[kind];
  const rows = await db
    // Typed as one of the tables (Kysely cannot type a table chosen at run time): each has
    // `id`, `account_id` and the name columns listed above.
    .selectFrom(named.table as "persons")
    .select(["id", "account_id", ...named.columns] as ("id" | "account_id")[])
    .where("id", "in", ids)
    .execute();
  return new Map(ownRows(rows, accountId).map((r) => [r.id, named.name(r as NameColumns)]));
}
