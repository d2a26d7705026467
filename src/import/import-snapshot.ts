/**
 * `hirevault import FILE --account NAME` (docs/EXPORTS.md#integrity): restores a snapshot into a
 * new, empty account. The archive is checked whole before anything is written: its envelope
 * (snapshot-archive.ts), every check of `hirevault verify` (verify-first.ts), and that its rows
 * hold together (reference-check.ts). The account's row is then committed as `importing`
 * (staged-account.ts): nothing can reach it, and the name is taken. Every table is inserted
 * parent-first, streaming each CSV in batches that each commit in a short transaction of their own,
 * while the attachments' bytes are copied into storage and checked against their rows. One last
 * short transaction re-applies the deletions recorded after the snapshot (erasure-ledger.ts),
 * audits the import and makes the account `active`. Any failure removes the rows and files written
 * so far (and a worker does so for an import whose process died): an import is all or nothing, and
 * never holds the database's writers up for longer than a batch.
 *
 * Ids are mapped into the new account (id-map.ts); timestamps, values and file bytes are kept
 * exactly, so export → import → export gives the same data (docs/EXPORTS.md#restoring-a-snapshot).
 * Two deliberate exceptions: API tokens come back revoked, with a fresh unusable hash (a credential
 * never returns from a file; the snapshot never held the hashes), and users come back without
 * passwords (same reason).
 */
import path from "node:path";
import type { Kysely } from "kysely";
import type { ArchiveLimits } from "../archive/zip-reader.js";
import type { DB, TableName } from "../db/schema/index.js";
import { type Clock, systemClock } from "../domain/clock.js";
import { ConflictError } from "../domain/errors.js";
import { SNAPSHOT_FILES, SNAPSHOT_TABLES } from "../exports/formats/snapshot/layout.js";
import { recordAudit } from "../repositories/audit-log.repository.js";
import { ACCOUNT_LEASE_MS } from "../services/account-removal.service.js";
import { SYSTEM_ACTOR } from "../services/write-context.js";
import type { BlobStore } from "../storage/blob-store.js";
import { AttachmentFiles } from "./attachment-files.js";
import { type Erasure, ledgerFromFile, ledgerOfSource, reapplyErasures } from "./erasure-ledger.js";
import { importedId } from "./id-map.js";
import { ImportError } from "./import-error.js";
import { checkReferences } from "./reference-check.js";
import { SnapshotArchive } from "./snapshot-archive.js";
import { nameTaken, StagedAccount } from "./staged-account.js";
import { importTable } from "./table-import.js";
import { verifyBeforeImport } from "./verify-first.js";

export interface ImportSnapshotOptions {
  db: Kysely<DB>;
  blobs: BlobStore;
  file: string;
  accountName: string;
  /** A ledger file of deletions made after the snapshot elsewhere (see erasure-ledger.ts). */
  erasuresFile?: string;
  limits?: Partial<ArchiveLimits>;
  clock?: Clock;
  /** Called as each table is done, and every few thousand rows of big ones. */
  onProgress?: (p: ImportProgress) => void;
  /** Bytes read by the verify pass that comes before any write (verify-first.ts). */
  onVerifyProgress?: (bytesRead: number, bytesTotal: number) => void;
  /** How long the import may go without renewing its account's lease (`ACCOUNT_LEASE_MS`). */
  leaseMs?: number;
}

export interface ImportProgress {
  /** The table being imported. */
  table: TableName;
  /** Rows inserted so far, of `total` in the snapshot. */
  done: number;
  total: number;
}

export interface ImportSummary {
  accountId: string;
  accountName: string;
  sourceAccount: { id: string; name: string };
  snapshotAt: string;
  /** Rows inserted per table (before erasures). */
  rows: Partial<Record<TableName, number>>;
  files: number;
  bytes: number;
  /** Rows removed by the erasure ledger (with their cascade). */
  erased: number;
}

export async function importSnapshot(opts: ImportSnapshotOptions): Promise<ImportSummary> {
  const { db, blobs } = opts;
  const clock = opts.clock ?? systemClock;
  const archive = await SnapshotArchive.open(opts.file, opts.limits);
  try {
    const { manifest } = archive;
    const name = opts.accountName.trim();
    if (!name) throw new ConflictError("the account name must not be empty", "account");
    const taken = await db
      .selectFrom("accounts")
      .select("status")
      .where("name", "=", name)
      .executeTakeFirst();
    if (taken) throw nameTaken(name, taken.status);

    const fileErasures = opts.erasuresFile
      ? await ledgerFromFile(opts.erasuresFile, manifest.snapshot_at)
      : [];
    const erasures: Erasure[] = [
      ...(await ledgerOfSource(db, manifest.account.id, manifest.snapshot_at)),
      ...fileErasures,
    ];
    // Everything `hirevault verify` checks, before the first write.
    await verifyBeforeImport(archive, opts.file, opts.onVerifyProgress);
    // Ids unique, every reference resolving inside the snapshot: refused here, before any write.
    await checkReferences(archive);
    const now = clock.now().toISOString();
    const account = await StagedAccount.reserve(db, {
      name,
      timeZone: manifest.account.time_zone ?? "UTC",
      clock,
      leaseMs: opts.leaseMs ?? ACCOUNT_LEASE_MS,
    });
    const accountId = account.id;
    // Files of erased attachments are never copied, not even for the length of the import.
    const skipFiles = new Set(
      erasures.filter((e) => e.entity_type === "attachment").map((e) => importedId(accountId, e.entity_id)),
    );
    const files = new AttachmentFiles(archive, blobs, accountId);
    const rows: Partial<Record<TableName, number>> = {};
    let erased = 0;
    account.startHeartbeat();
    try {
      const rowFiles = new Set(SNAPSHOT_FILES.filter((f) => f.kind === "rows").map((f) => f.path));
      const total = manifest.tables.reduce((n, t) => n + (rowFiles.has(t.file) ? t.rows : 0), 0);
      let before = 0;
      const onProgress = (table: TableName, n: number) =>
        opts.onProgress?.({ table, done: before + n, total });
      const write = <T>(fn: (trx: Kysely<DB>) => Promise<T>) => account.write(fn);
      const ctx = { write, archive, accountId, now, files, skipFiles, onProgress };
      for (const table of SNAPSHOT_TABLES) {
        rows[table] = await importTable(ctx, table);
        before += rows[table] ?? 0;
      }
      const unused = archive.fileEntries().filter((n) => !files.used.has(n));
      if (unused.length) throw new ImportError(`unexpected entry ${unused[0]}: no attachment row names it`);
      // The switch, one short transaction: the ledger is read again in it, so a deletion the
      // source recorded while the import ran is re-applied too.
      erased = await account.activate(async (trx) => {
        const ledger = [
          ...(await ledgerOfSource(trx, manifest.account.id, manifest.snapshot_at)),
          ...fileErasures,
        ];
        const removed = await reapplyErasures(trx, accountId, ledger, now);
        await recordAudit(
          trx,
          { accountId, actor: SYSTEM_ACTOR },
          {
            action: "account.imported",
            entityType: "account",
            entityId: accountId,
            changes: {
              source_account_id: manifest.account.id,
              snapshot_at: manifest.snapshot_at,
              file: path.basename(opts.file),
              rows: Object.values(rows).reduce((a, b) => a + (b ?? 0), 0),
              files: files.files,
              erased: removed,
            },
          },
          now,
        );
        return removed;
      });
    } catch (err) {
      throw await account.discard(blobs, err);
    } finally {
      account.stopHeartbeat();
    }
    return {
      accountId,
      accountName: name,
      sourceAccount: { id: manifest.account.id, name: manifest.account.name },
      snapshotAt: manifest.snapshot_at,
      rows,
      files: files.files,
      bytes: files.bytes,
      erased,
    };
  } finally {
    await archive.close();
  }
}
