import type { Kysely } from "kysely";
import type { DB } from "../../db/schema/index.js";
import type { Clock } from "../../domain/clock.js";
import type { Logger } from "../../logger.js";
import { ACTIVE } from "../../repositories/account.repository.js";
import { type RunAttemptState, StorageOwnerRepository } from "../../repositories/storage-owner.repository.js";
import type { BlobInfo, BlobStore } from "../../storage/blob-store.js";
import { attemptOfKey } from "../export-keys.js";
import type { PeriodicTask } from "../periodic-task.js";

/**
 * How long a file nobody owns is left alone before the sweep removes it: measured from the newest
 * file of an account without an `accounts` row, from each export and attachment file, from the
 * last write of a local temp file and from the start of an S3 multipart upload. It is what
 * protects a write the database cannot vouch for yet: an upload whose file is stored and whose row
 * is about to commit, a put still streaming, a multipart upload still sending parts. A day is far
 * longer than any of them takes, and matches the bucket lifecycle rule docs/ARCHITECTURE.md
 * recommends. (An import needs none of it: its account row, committed before its first file,
 * keeps the sweep away from all of the account's files until the import is done.)
 */
export const STORAGE_SWEEP_GRACE_MS = 24 * 60 * 60 * 1000;

/** Keys judged and deleted at once: one ownership query and one DeleteObjects request each. */
export const STORAGE_SWEEP_BATCH = 500;

const ACCOUNTS_PREFIX = "accounts/";
/** Account ids are UUIDs; a folder named otherwise is not an account's and is left alone. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Run states in which a run may still write files: it runs, or it will (a retry, a paid invoice). */
const WILL_WRITE = new Set<string>(["awaiting_payment", "queued", "running"]);

/** What one sweep removed. */
export interface StorageSweepSummary {
  /** Local temp files or S3 multipart uploads of writes whose process died. */
  abandonedWrites: number;
  /** Accounts without a row whose files were removed, and how many files. */
  orphanAccounts: number;
  orphanAccountFiles: number;
  /** Export files of existing accounts that no live attempt or published artifact owns. */
  deadAttemptFiles: number;
  /** Attachment files of existing accounts that no `attachments` row names (nor erasure holds). */
  unownedAttachmentFiles: number;
  /** Accounts left alone because an import or a removal owns their files. */
  accountsImportingOrRemoving: number;
}

export interface SweepStorageOptions {
  graceMs?: number;
  batchSize?: number;
}

/**
 * Removes files in storage that no committed row owns, once they are older than the grace period:
 * the files of an account that has no `accounts` row (deleted by hand, or written by an import
 * that was paused past its lease while its abandoned account was removed), export files that
 * neither a running attempt nor a published artifact owns (a worker killed mid-export
 * whose run then failed for good or succeeded elsewhere), attachment files of an existing account
 * that no `attachments` row names (an upload killed between storing its file and inserting its
 * row), and writes that never finished (local `.tmp/*.part` files, S3 incomplete multipart
 * uploads). Storage is listed a page at a time, judged and deleted in batches of
 * {@link STORAGE_SWEEP_BATCH}, so memory stays flat at millions of files. The files of an account
 * being imported or removed are its import's or removal's, however old: they are not judged
 * (`remove-abandoned-imports` takes them, with the rows, when that process died).
 *
 * Every worker runs it; sweeps on several workers at once only repeat each other's deletes.
 */
export class SweepStorageTask implements PeriodicTask {
  readonly name = "sweep-storage";
  readonly intervalMs = 60 * 60_000;
  readonly #owners: StorageOwnerRepository;
  readonly #graceMs: number;
  readonly #batchSize: number;
  #warnedUnsupported = false;

  constructor(
    db: Kysely<DB>,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    opts: SweepStorageOptions = {},
  ) {
    this.#owners = new StorageOwnerRepository(db);
    this.#graceMs = opts.graceMs ?? STORAGE_SWEEP_GRACE_MS;
    this.#batchSize = opts.batchSize ?? STORAGE_SWEEP_BATCH;
  }

  async run(signal: AbortSignal): Promise<void> {
    await this.sweep(signal);
  }

  /** One sweep. Each part runs even if another failed; the first failure is rethrown at the end. */
  async sweep(signal?: AbortSignal): Promise<StorageSweepSummary> {
    const cutoff = new Date(this.clock.now().getTime() - this.#graceMs);
    const summary: StorageSweepSummary = {
      abandonedWrites: 0,
      orphanAccounts: 0,
      orphanAccountFiles: 0,
      deadAttemptFiles: 0,
      unownedAttachmentFiles: 0,
      accountsImportingOrRemoving: 0,
    };
    const failures: unknown[] = [];
    for (const part of [
      () => this.#abandonedWrites(cutoff, summary),
      () => this.#accounts(cutoff, summary, signal),
    ]) {
      await part().catch((err: unknown) => failures.push(err));
    }
    if (failures.length) throw failures[0];
    return summary;
  }

  async #abandonedWrites(cutoff: Date, summary: StorageSweepSummary): Promise<void> {
    const { removed, unsupported } = await this.blobs.removeAbandonedWrites(cutoff);
    summary.abandonedWrites += removed;
    if (removed) this.logger.info({ removed }, "removed writes a killed process left unfinished");
    if (unsupported && !this.#warnedUnsupported) {
      this.#warnedUnsupported = true;
      this.logger.warn(
        { answer: unsupported },
        "the storage server cannot list incomplete multipart uploads: only the bucket's lifecycle rule removes them",
      );
    }
  }

  /** Walks the account folders in storage, a batch of ids per query. */
  async #accounts(cutoff: Date, summary: StorageSweepSummary, signal?: AbortSignal): Promise<void> {
    let ids: string[] = [];
    const flush = async () => {
      const states = await this.#owners.accountStates(ids);
      for (const id of ids) {
        if (signal?.aborted) return;
        const status = states.get(id);
        if (status === undefined) await this.#orphanAccount(id, cutoff, summary, signal);
        else if (status === ACTIVE) {
          await this.#deadAttempts(id, cutoff, summary, signal);
          await this.#unownedAttachments(id, cutoff, summary, signal);
        } else summary.accountsImportingOrRemoving++;
        // An account being imported or removed: its import (or removal) owns every file under it,
        // including those whose rows are not committed yet, so nothing of it is judged here.
        // Should that process die, `remove-abandoned-imports` removes the files with the rows.
      }
      ids = [];
    };
    for await (const name of this.blobs.listFolders(ACCOUNTS_PREFIX)) {
      if (signal?.aborted) return;
      if (!UUID.test(name)) continue;
      ids.push(name);
      if (ids.length >= this.#batchSize) await flush();
    }
    if (ids.length) await flush();
  }

  /**
   * Removes every file of an account that has no row, once even its newest file is older than the
   * grace period: a recent file may be a write that is still going on (an import process that
   * lost its account while paused copies its batch of files before it finds out). Two passes (the
   * newest first, then the deletes) keep memory flat; before each batch the row is looked for
   * again, and a file written since the first pass stops it.
   */
  async #orphanAccount(id: string, cutoff: Date, summary: StorageSweepSummary, signal?: AbortSignal) {
    const prefix = `${ACCOUNTS_PREFIX}${id}/`;
    for await (const blob of this.blobs.scan(prefix)) if (!olderThan(blob, cutoff)) return;
    const stillOrphan = async () => !(await this.#owners.accountStates([id])).has(id);
    let deleted = 0;
    let batch: string[] = [];
    const flush = async (): Promise<boolean> => {
      if (!(await stillOrphan())) return false;
      await this.blobs.deleteMany(batch);
      deleted += batch.length;
      batch = [];
      return true;
    };
    let complete = true;
    for await (const blob of this.blobs.scan(prefix)) {
      if (signal?.aborted || !olderThan(blob, cutoff)) {
        complete = false;
        break;
      }
      batch.push(blob.key);
      if (batch.length >= this.#batchSize && !(await flush())) {
        complete = false;
        break;
      }
    }
    if (complete && batch.length) await flush();
    if (deleted) {
      summary.orphanAccounts++;
      summary.orphanAccountFiles += deleted;
      this.logger.info(
        { accountId: id, files: deleted },
        "removed the files of an account that does not exist",
      );
    }
  }

  /** Removes the account's export files that no live attempt or published artifact owns. */
  async #deadAttempts(accountId: string, cutoff: Date, summary: StorageSweepSummary, signal?: AbortSignal) {
    let deleted = 0;
    let batch: AttemptFile[] = [];
    const flush = async () => {
      deleted += await this.#deleteUnowned(accountId, batch);
      batch = [];
    };
    for await (const blob of this.blobs.scan(`${ACCOUNTS_PREFIX}${accountId}/exports/`)) {
      if (signal?.aborted) return;
      const owner = attemptOfKey(blob.key);
      // A key of another shape is not an export attempt's; a recent one may still be written to.
      if (!owner || owner.accountId !== accountId || !olderThan(blob, cutoff)) continue;
      batch.push({ key: blob.key, runId: owner.runId, attempt: owner.attempt });
      if (batch.length >= this.#batchSize) await flush();
    }
    if (batch.length) await flush();
    if (deleted) {
      summary.deadAttemptFiles += deleted;
      this.logger.info({ accountId, files: deleted }, "removed export files no live attempt owns");
    }
  }

  async #deleteUnowned(accountId: string, files: readonly AttemptFile[]): Promise<number> {
    const runIds = [...new Set(files.map((f) => f.runId))];
    // Runs first, artifacts second. A run seen not running at an attempt can only have published
    // that attempt before the first query (state and artifact rows commit together), so the second
    // query sees its artifacts; the other order could miss a publish landing between the two.
    const runs = await this.#owners.runStates(accountId, runIds);
    const published = await this.#owners.publishedKeys(accountId, runIds);
    const dead = files
      .filter((f) => !published.has(f.key) && !attemptMayWrite(runs.get(f.runId), f.attempt))
      .map((f) => f.key);
    if (dead.length) await this.blobs.deleteMany(dead);
    return dead.length;
  }

  /**
   * Removes the files under an existing account's `attachments/` that no `attachments` row names
   * and that are not queued for erasure, once older than the grace period.
   *
   * A file and the row that names it are never written at once: an upload stores the file, then
   * inserts the row in the same request (`http/routes/attachments.routes.ts`); the demo seeder
   * writes a batch's files while that batch's rows are inserted (`seed/row-batch.ts`). An import
   * copies a batch's files before it commits that batch's rows (`import/table-import.ts`), but
   * its account is `importing` until every row is in, and such an account is never judged here.
   * A recent file without a row may therefore be a write whose row is about to commit, and only
   * the grace period tells it from one whose process died: a writer must commit a file's row
   * within it. A row committing after this read finds its file gone only if it missed that
   * deadline. Files are judged in batches (two indexed queries), never gathered for the account.
   */
  async #unownedAttachments(
    accountId: string,
    cutoff: Date,
    summary: StorageSweepSummary,
    signal?: AbortSignal,
  ) {
    let deleted = 0;
    let batch: string[] = [];
    const flush = async () => {
      deleted += await this.#deleteUnnamed(batch);
      batch = [];
    };
    for await (const blob of this.blobs.scan(`${ACCOUNTS_PREFIX}${accountId}/attachments/`)) {
      if (signal?.aborted) break;
      if (!olderThan(blob, cutoff)) continue;
      batch.push(blob.key);
      if (batch.length >= this.#batchSize) await flush();
    }
    if (batch.length && !signal?.aborted) await flush();
    if (deleted) {
      summary.unownedAttachmentFiles += deleted;
      this.logger.info({ accountId, files: deleted }, "removed attachment files no row names");
    }
  }

  async #deleteUnnamed(keys: readonly string[]): Promise<number> {
    // Rows first, the erasure queue second. A delete removes the row and queues its key in one
    // transaction, so a key whose row the first query missed is in the queue for the second one
    // (or its erasure is done and the file gone); the other order could miss a delete landing
    // between the two, and take a file the erasure path owns.
    const named = await this.#owners.attachmentKeys(keys);
    const unnamed = keys.filter((k) => !named.has(k));
    if (unnamed.length === 0) return 0;
    const queued = await this.#owners.queuedForErasure(unnamed);
    const dead = unnamed.filter((k) => !queued.has(k));
    if (dead.length) await this.blobs.deleteMany(dead);
    return dead.length;
  }
}

interface AttemptFile {
  key: string;
  runId: string;
  attempt: number;
}

/**
 * Whether attempt `attempt` of a run owns its files: it is the attempt running now, or one the run
 * has yet to make (an attempt handed back at shutdown is given its number again, and starts by
 * clearing the run's earlier files itself). Finished, failed and superseded attempts own nothing.
 */
function attemptMayWrite(run: RunAttemptState | undefined, attempt: number): boolean {
  if (!run || !WILL_WRITE.has(run.state)) return false;
  return attempt > run.attempts || (run.state === "running" && attempt === run.attempts);
}

/** Written before `cutoff`; a blob of unknown age counts as recent. */
function olderThan(blob: BlobInfo, cutoff: Date): boolean {
  return blob.lastModified !== undefined && blob.lastModified.getTime() < cutoff.getTime();
}
