/**
 * Keyset batching shared by the Data Files tables: rows of one table of one account, by id, a
 * batch at a time, each batch expanded with its lookups before any of its rows is yielded.
 */
import { batchesAhead } from "../../../batches-ahead.js";
import type { CsvValue } from "../../../csv/csv-dialect.js";
import type { Span } from "../../../records/span.js";
import type { CsvTableSource } from "./csv-table.js";

export type { Span };

/** Rows per batch: one round of lookups per 1,000 rows keeps queries few and memory flat. */
export const DEFAULT_BATCH_SIZE = 1000;

/** A source with its own batch size (tests use tiny batches to cross batch boundaries). */
export interface BatchedSource extends CsvTableSource {
  batchSize?: number;
}

/**
 * The keyset position before the first row: every id is a non-empty string, and the empty string
 * sorts before any other under every collation, so `id > ''` is the whole table and each page
 * query has one shape.
 */
export const START = "";

/** Loads up to `limit` rows of the table with id > `after`, ordered by id. */
export type PageLoader<R> = (after: string, limit: number) => Promise<R[]>;

/** Turns one batch into CSV rows (values in header order), running its lookups first. */
export type BatchExpander<R> = (batch: R[], span: Span) => Promise<CsvValue[][]>;

/**
 * Yields every row of a table: page by page in id order, each page expanded by `expand`, one
 * batch read ahead (batches-ahead.ts).
 */
export async function* keysetRows<R extends { id: string }>(
  source: CsvTableSource,
  page: PageLoader<R>,
  expand: BatchExpander<R>,
): AsyncGenerator<CsvValue[]> {
  const size = (source as BatchedSource).batchSize ?? DEFAULT_BATCH_SIZE;
  type Loaded = { rows: CsvValue[][]; last: string | null };
  const load = async (after: string | null): Promise<Loaded> => {
    source.signal.throwIfAborted();
    const batch = await page(after ?? START, size);
    if (batch.length === 0) return { rows: [], last: null };
    const span = { first: batch[0]!.id, last: batch[batch.length - 1]!.id };
    return { rows: await expand(batch, span), last: batch.length < size ? null : span.last };
  };
  for await (const loaded of batchesAhead(load, (l) => l.last)) yield* loaded.rows;
}
