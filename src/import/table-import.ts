/**
 * Imports the rows of one table from its snapshot file(s), in batches: decode and check each
 * record, map its ids, copy attachment bytes, insert. Each batch commits in a short transaction of
 * its own (`ctx.write`), so other writers of the database wait for a batch at most, never for the
 * whole import. Self-references (a list inside a folder) are inserted empty and set once the whole
 * table is in, since a child can come before its parent in id order and foreign keys are checked
 * at once.
 */
import crypto from "node:crypto";
import type { Kysely } from "kysely";
import type { DB, TableName } from "../db/schema/index.js";
import { rowBelongs, type SnapshotFile, snapshotFilesOf } from "../exports/formats/snapshot/layout.js";
import { insertRows } from "../repositories/bulk-insert.js";
import { hashToken } from "../services/api-token.service.js";
import { attachmentKey } from "../services/attachment.service.js";
import type { AttachmentFiles, FileToCopy } from "./attachment-files.js";
import { ImportError } from "./import-error.js";
import { explainInsertFailure } from "./insert-diagnosis.js";
import { type DecodedRow, RowDecoder } from "./row-decoder.js";
import type { SnapshotArchive } from "./snapshot-archive.js";

/** Rows inserted per statement batch (insertRows splits further under the bind limit). */
const BATCH = 1000;
/** Progress is reported every this many rows of a table. */
const PROGRESS_EVERY = 20_000;

export interface TableImportContext {
  /** Runs one batch's writes in a short transaction of its own (`staged-account.ts`). */
  write: <T>(fn: (trx: Kysely<DB>) => Promise<T>) => Promise<T>;
  archive: SnapshotArchive;
  accountId: string;
  now: string;
  files: AttachmentFiles;
  /** New ids of attachments whose bytes must not be copied (erased after the snapshot). */
  skipFiles: ReadonlySet<string>;
  /** Rows of `table` inserted so far. */
  onProgress?: ((table: TableName, rows: number) => void) | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: generic table names (see entity.repository.ts)
type AnyDb = Kysely<any>;

/** Imports `table`; resolves with the number of rows inserted. */
export async function importTable(ctx: TableImportContext, table: TableName): Promise<number> {
  let rows = 0;
  const selfRefs: [id: string, column: string, value: string][] = [];
  for (const file of snapshotFilesOf(table)) {
    if (file.kind === "enrichment") await importEnrichment(ctx, file);
    else rows = await importRows(ctx, file, rows, selfRefs);
  }
  for (let i = 0; i < selfRefs.length; i += BATCH) {
    await ctx.write(async (trx) => {
      const db = trx as unknown as AnyDb;
      for (const [id, column, value] of selfRefs.slice(i, i + BATCH)) {
        await db
          .updateTable(table)
          .set({ [column]: value })
          .where("account_id", "=", ctx.accountId)
          .where("id", "=", id)
          .execute();
      }
    });
  }
  ctx.onProgress?.(table, rows);
  return rows;
}

async function importRows(
  ctx: TableImportContext,
  file: SnapshotFile,
  before: number,
  selfRefs: [string, string, string][],
): Promise<number> {
  const selfColumns = file.columns.filter((c) => c.references === file.table).map((c) => c.name);
  let decoder: RowDecoder | undefined;
  let batch: Record<string, unknown>[] = [];
  let lines: number[] = [];
  let copies: FileToCopy[] = [];
  let rows = before;
  const flush = async () => {
    await ctx.files.copyAll(copies);
    await ctx.write(async (trx) => {
      try {
        await insertRows(trx, file.table, batch as never);
      } catch (err) {
        // Diagnosed in the transaction that failed: SQLite looks the batch's rows up in it.
        throw await explainInsertFailure(trx, file, batch, lines, err);
      }
    });
    batch = [];
    lines = [];
    copies = [];
  };
  for await (const record of ctx.archive.records(file)) {
    if (!decoder) {
      decoder = new RowDecoder(file, record, ctx.accountId);
      continue;
    }
    const { row, line } = decoder.decode(record);
    if (!rowBelongs(file, row)) {
      throw new ImportError(
        `${file.path} line ${line}: a row with ${file.where?.column} ${String(row[file.where!.column])} does not belong in this file`,
      );
    }
    for (const column of selfColumns) {
      if (row[column] === null) continue;
      selfRefs.push([String(row.id), column, String(row[column])]);
      row[column] = null;
    }
    if (file.table === "attachments") prepareAttachment(ctx, file, row, line, copies);
    if (file.table === "api_tokens") {
      // The hash of a random token nobody was shown: the restored token can never authenticate.
      row.token_hash = hashToken(crypto.randomBytes(32).toString("base64url"));
      row.revoked_at ??= ctx.now;
    }
    batch.push(row);
    lines.push(line);
    rows++;
    if (batch.length >= BATCH) await flush();
    if (rows % PROGRESS_EVERY === 0) ctx.onProgress?.(file.table, rows);
  }
  if (!decoder) throw new ImportError(`${file.path} is empty (not even a header)`);
  if (batch.length) await flush();
  return rows;
}

/** Sets the new storage key and queues the bytes' copy (unless missing or erased). */
function prepareAttachment(
  ctx: TableImportContext,
  file: SnapshotFile,
  row: Record<string, unknown>,
  line: number,
  copies: FileToCopy[],
): void {
  const entry = row.path as string | null;
  delete row.path;
  row.storage_key = attachmentKey(ctx.accountId, String(row.id));
  // A file the export could not read (listed in manifest.json) stays missing, as in the source.
  if (entry === null) return;
  if (ctx.skipFiles.has(String(row.id))) ctx.files.skip(entry);
  else copies.push({ row, path: entry, csvPath: file.path, line });
}

/** `companies/enrichment.csv`: sets each company's JSON (verbatim), a batch per transaction. */
async function importEnrichment(ctx: TableImportContext, file: SnapshotFile): Promise<void> {
  let decoder: RowDecoder | undefined;
  let batch: DecodedRow[] = [];
  const flush = () =>
    ctx.write(async (trx) => {
      for (const { row, line } of batch) {
        const result = await trx
          .updateTable("companies")
          .set({ enrichment: row.enrichment as string })
          .where("account_id", "=", ctx.accountId)
          .where("id", "=", row.company_id as string)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1)
          throw new ImportError(
            `${file.path} line ${line}, company_id: no such company in companies/companies.csv`,
          );
      }
      batch = [];
    });
  for await (const record of ctx.archive.records(file)) {
    if (!decoder) {
      decoder = new RowDecoder(file, record, ctx.accountId);
      continue;
    }
    batch.push(decoder.decode(record));
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
}
