import type { Kysely } from "kysely";
import type { DB, TableName } from "../../db/schema/index.js";
import type { EntityRepository, StoredRow } from "../../repositories/entity.repository.js";
import type { WriteContext } from "../write-context.js";

/** What a rule gets to work with inside the write transaction. */
export interface RuleTx {
  trx: Kysely<DB>;
  repo: EntityRepository;
  ctx: WriteContext;
  now: string;
  newId(): string;
  /** Deletes rows with the cascade walker (tombstones, file erasure). */
  cascade(table: TableName, ids: string[]): Promise<void>;
}

/** Read-side helpers for embedding extras into API rows. */
export interface RuleRead {
  repo: EntityRepository;
  accountId: string;
}

/**
 * Per-table behaviour on top of generic CRUD. Every hook is optional; several rules can apply
 * to one table (e.g. persons get contact points, tags and custom fields).
 */
export interface EntityRule {
  /** Input keys this rule handles besides the table's columns. */
  extras?: readonly string[];
  /** Columns `defaults` fills in, so a create may leave them out (the API schema reads this). */
  defaulted?: readonly string[];
  /** Defaults for a create, computed from the (raw) input. */
  defaults?(tx: RuleTx, input: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Checks across fields or rows; throw ValidationError naming the field. */
  validate?(tx: RuleTx, values: StoredRow, before: StoredRow | undefined): Promise<void>;
  /** Adjusts stored values of an update (e.g. set paid_at when an invoice is paid). */
  beforeUpdate?(tx: RuleTx, before: StoredRow, values: StoredRow): Promise<void>;
  afterCreate?(tx: RuleTx, row: StoredRow, extras: Record<string, unknown>): Promise<void>;
  afterUpdate?(
    tx: RuleTx,
    before: StoredRow,
    after: StoredRow,
    extras: Record<string, unknown>,
  ): Promise<void>;
  /**
   * After a row deleted through the API (or the CLI) is gone, in the same transaction; `before`
   * is the row as it was. Not called for rows removed by another row's cascade.
   */
  afterDelete?(tx: RuleTx, before: StoredRow): Promise<void>;
  /** Adds extras to API rows of one page, in place, with a constant number of queries. */
  present?(read: RuleRead, rows: Record<string, unknown>[]): Promise<void>;
}
