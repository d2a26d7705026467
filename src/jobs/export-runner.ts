import fs from "node:fs/promises";
import path from "node:path";
import type { Kysely } from "kysely";
import type { Database } from "../db/create-db.js";
import type { DB } from "../db/schema/index.js";
import type { Clock } from "../domain/clock.js";
import type { ExportFormat, ExportFormatId, ExportWarning, SavedArtifact } from "../exports/export-format.js";
import { exportFormat } from "../exports/registry.js";
import { artifactExpiry } from "../exports/retention.js";
import type { Logger } from "../logger.js";
import { AccountRepository } from "../repositories/account.repository.js";
import { recordAudit } from "../repositories/audit-log.repository.js";
import { BackupScheduleRepository } from "../repositories/backup-schedule.repository.js";
import { type ExportRun, ExportRunRepository } from "../repositories/export-run.repository.js";
import { type EmailKind, OutboxRepository } from "../repositories/outbox.repository.js";
import { BlobErasureService } from "../services/blob-erasure.service.js";
import type { DownloadLinkService } from "../services/download-link.service.js";
import { SYSTEM_ACTOR } from "../services/write-context.js";
import type { BlobStore } from "../storage/blob-store.js";
import { deletePrefix } from "../storage/delete-prefix.js";
import { createExportContext, type LinkState } from "./export-context.js";
import {
  errorText,
  LeaseLostError,
  PermanentExportError,
  retryDelayMs,
  ShutdownError,
} from "./export-errors.js";
import { attemptPrefix, runPrefix } from "./export-keys.js";

export interface ExportRunnerOptions {
  database: Database;
  blobs: BlobStore;
  clock: Clock;
  logger: Logger;
  /** Where attempts keep temp files (`<data dir>/tmp/exports`). */
  tmpRoot: string;
  /** This worker's lease owner id (host, pid, random). */
  owner: string;
  /** A claimed run is this worker's for this long without a heartbeat. */
  leaseMs?: number;
  /** Heartbeat (lease extension + progress) interval; well under a third of the lease. */
  heartbeatMs?: number;
  /** Signs the links formats write into files (`ctx.linkFor`); without it they write none. */
  links?: DownloadLinkService;
  /** Format lookup (default: the registry); tests pass formats that fail on purpose. */
  formats?: (id: string) => ExportFormat | undefined;
}

/** Stored warnings are capped; the count is kept whole. */
const MAX_STORED_WARNINGS = 1000;

/**
 * Runs claimed export runs (Outline's ExportTask: load → run → upload → publish → clean up): the
 * run's lifecycle, claim, heartbeat, publish, retry. What a format gets to write through is
 * built by `export-context.ts`.
 * Artifacts are written under `accounts/<a>/exports/<run>/<attempt>/<part>`, so a stalled
 * worker's late upload can never overwrite the files of the attempt that published; a run is
 * published (state + artifact rows) in one transaction guarded by the lease, and whatever an
 * attempt leaves behind is deleted by the next attempt or at failure.
 */
export class ExportRunner {
  readonly runs: ExportRunRepository;
  private readonly outbox: OutboxRepository;
  private readonly accounts: AccountRepository;
  private readonly schedules: BackupScheduleRepository;
  private readonly erasure: BlobErasureService;
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;

  constructor(private readonly opts: ExportRunnerOptions) {
    this.runs = new ExportRunRepository(opts.database.db);
    this.outbox = new OutboxRepository(opts.database.db);
    this.accounts = new AccountRepository(opts.database.db);
    this.schedules = new BackupScheduleRepository(opts.database.db);
    this.erasure = new BlobErasureService(opts.database.db, opts.blobs, opts.clock);
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.heartbeatMs = opts.heartbeatMs ?? Math.min(2_000, Math.floor(this.leaseMs / 4));
  }

  /** Claims and runs one run; `false` when none was runnable. */
  async runNext(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    const run = await this.runs.claimNext(
      this.opts.owner,
      this.opts.clock.now(),
      this.leaseMs,
      undefined,
      this.deadLetter,
    );
    if (!run) return false;
    await this.run(run, signal);
    return true;
  }

  /** Claims one given run (the CLI runs its own request) and runs it; undefined if not runnable. */
  async runById(
    id: string,
    signal: AbortSignal,
    onProgress?: (done: number, total: number) => void,
  ): Promise<ExportRun | undefined> {
    const run = await this.runs.claimNext(
      this.opts.owner,
      this.opts.clock.now(),
      this.leaseMs,
      id,
      this.deadLetter,
    );
    if (!run) return undefined;
    await this.run(run, signal, onProgress);
    return this.runs.get(run.account_id, run.id);
  }

  private async run(run: ExportRun, stop: AbortSignal, onProgress?: (done: number, total: number) => void) {
    const { database, clock, logger } = this.opts;
    const log = logger.child({ exportRunId: run.id, format: run.format, attempt: run.attempts });
    const controller = new AbortController();
    const onStop = () => controller.abort(new ShutdownError());
    stop.addEventListener("abort", onStop, { once: true });
    const progress = { done: 0, total: null as number | null };
    const beat = setInterval(() => {
      this.runs.heartbeat(run.id, this.opts.owner, clock.now(), this.leaseMs, progress).then(
        (held) => {
          if (!held) controller.abort(new LeaseLostError());
        },
        (err) => log.warn({ err }, "export heartbeat failed; retrying at the next beat"),
      );
    }, this.heartbeatMs);
    const tmpDir = path.join(this.opts.tmpRoot, `${run.id}-${run.attempts}`);
    const saved: SavedArtifact[] = [];
    const links: LinkState = { expiresAt: null };
    const warnings: ExportWarning[] = [];
    let warningCount = 0;
    try {
      await this.clearEarlierAttempts(run);
      await fs.mkdir(tmpDir, { recursive: true, mode: 0o700 });
      const format = (this.opts.formats ?? exportFormat)(run.format);
      if (!format) throw new PermanentExportError(`this release cannot produce "${run.format}" exports`);
      const account = await this.accounts.findById(run.account_id);
      if (!account) throw new PermanentExportError("the account no longer exists");
      log.info("export started");
      const snapshotAt = await database.readSnapshot(async (db) => {
        const at = clock.now();
        await format.write(
          createExportContext(
            {
              run,
              db,
              snapshotAt: at,
              account,
              tmpDir,
              signal: controller.signal,
              logger: log,
              blobs: this.opts.blobs,
              clock,
              links: this.opts.links,
            },
            {
              progress: (done, total) => {
                progress.done = done;
                progress.total = total;
                onProgress?.(done, total);
              },
              warn: (w) => {
                warningCount++;
                if (warnings.length < MAX_STORED_WARNINGS) warnings.push(w);
                log.warn(
                  { warning: { entity: w.entity, id: w.id, reason: w.reason } },
                  "file left out of export",
                );
              },
              saved,
              links,
            },
          ),
        );
        return at;
      });
      controller.signal.throwIfAborted();
      const now = clock.now();
      const retentionMonths = await this.retentionMonths(run);
      const published = await this.runs.complete(
        run,
        this.opts.owner,
        {
          now,
          snapshotAt,
          expiresAt: links.expiresAt ?? artifactExpiry(run.format as ExportFormatId, now, retentionMonths),
          artifacts: saved,
          warnings: warningCount ? { count: warningCount, items: warnings } : null,
          progress,
        },
        async (trx) => {
          const changes = { warnings: warningCount, attempt: run.attempts };
          await this.audit(trx, run, "export.succeeded", changes, now);
          if (format.mailPart) await this.enqueueEmail(trx, run, "export_ready", now);
        },
      );
      if (!published) throw new LeaseLostError();
      log.info({ artifacts: saved.length, warnings: warningCount }, "export published");
    } catch (err) {
      await this.afterFailure(run, controller.signal.reason ?? err, log);
    } finally {
      clearInterval(beat);
      stop.removeEventListener("abort", onStop);
      await fs.rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
      await this.eraseHeldFiles(run, log);
    }
  }

  /**
   * Files of records deleted while this attempt ran were kept for it (its snapshot may have listed
   * them); its attempt is over, so erase now what no other running export still holds, rather
   * than at the next sweep.
   */
  private async eraseHeldFiles(run: ExportRun, log: Logger): Promise<void> {
    try {
      const erased = await this.erasure.eraseQueued({ accountId: run.account_id });
      if (erased) log.info({ erased }, "erased files of records deleted during the export");
    } catch (err) {
      log.warn({ err }, "could not erase files of deleted records yet; the sweep retries");
    }
  }

  /** Retry, release or fail after an attempt did not publish; its files are deleted in every case. */
  private async afterFailure(run: ExportRun, err: unknown, log: Logger): Promise<void> {
    const now = this.opts.clock.now();
    if (err instanceof LeaseLostError) {
      // Another worker owns the run now: leave the row alone, remove only this attempt's files.
      log.warn("lease lost; leaving the export to the worker that took it over");
      await this.deleteAttemptFiles(run, run.attempts);
      return;
    }
    await this.deleteAttemptFiles(run, run.attempts);
    if (err instanceof ShutdownError) {
      await this.runs.giveBack(run, this.opts.owner, { now, error: null, retryAt: now, release: true });
      log.info("export handed back for another worker (shutdown)");
      return;
    }
    const text = errorText(err);
    const permanent = err instanceof PermanentExportError || run.attempts >= run.max_attempts;
    if (permanent) {
      await this.runs.giveBack(run, this.opts.owner, { now, error: text, retryAt: null }, async (trx) => {
        await this.audit(trx, run, "export.failed", { error: text, attempts: run.attempts }, now);
        await this.enqueueEmail(trx, run, "export_failed", now);
      });
      log.error({ err }, "export failed");
      return;
    }
    const retryAt = new Date(now.getTime() + retryDelayMs(run.attempts));
    await this.runs.giveBack(run, this.opts.owner, { now, error: text, retryAt });
    log.warn({ err, retryAt }, "export attempt failed; will retry");
  }

  private async clearEarlierAttempts(run: ExportRun): Promise<void> {
    await deletePrefix(this.opts.blobs, runPrefix(run));
    const entries = await fs.readdir(this.opts.tmpRoot).catch(() => [] as string[]);
    for (const e of entries) {
      if (e.startsWith(`${run.id}-`))
        await fs.rm(path.join(this.opts.tmpRoot, e), { recursive: true, force: true });
    }
  }

  private async deleteAttemptFiles(run: ExportRun, attempt: number): Promise<void> {
    try {
      await deletePrefix(this.opts.blobs, attemptPrefix(run, attempt));
    } catch (err) {
      // The next attempt (or the expiry sweep) deletes the run's leftovers again.
      this.opts.logger.warn({ err, exportRunId: run.id }, "could not delete a failed attempt's files yet");
    }
  }

  private async retentionMonths(run: ExportRun): Promise<number | undefined> {
    return this.schedules.retentionMonths(run.account_id);
  }

  /**
   * Runs failed for good because their worker died on every attempt (dead letter, in the claim's
   * transaction): audited and mailed like any other permanent failure.
   */
  private readonly deadLetter = async (trx: Kysely<DB>, failed: ExportRun[]): Promise<void> => {
    const now = this.opts.clock.now();
    for (const run of failed) {
      await this.audit(trx, run, "export.failed", { error: run.error, attempts: run.attempts }, now);
      await this.enqueueEmail(trx, run, "export_failed", now);
      this.opts.logger.error(
        { exportRunId: run.id, attempts: run.attempts },
        "export failed: its worker stopped responding on every attempt",
      );
    }
  };

  /**
   * Queues the requester's email in the transaction that publishes or fails the run, so it exists
   * exactly when that state change committed, once per run and kind (the outbox's unique key
   * absorbs retries: docs/EXPORTS.md#email, docs/EXPORTS.md#export-runs). Only for someone who
   * asked in the app: scheduled and CLI runs have no requester waiting for a mail.
   */
  private async enqueueEmail(trx: Kysely<DB>, run: ExportRun, kind: EmailKind, now: Date): Promise<void> {
    if (run.trigger !== "manual" || !run.requested_by_id) return;
    await this.outbox.enqueue(trx, {
      accountId: run.account_id,
      exportRunId: run.id,
      kind,
      userId: run.requested_by_id,
      now,
    });
  }

  private audit(trx: Kysely<DB>, run: ExportRun, action: string, changes: unknown, now: Date): Promise<void> {
    return recordAudit(
      trx,
      { accountId: run.account_id, actor: SYSTEM_ACTOR },
      {
        action,
        entityType: "export_run",
        entityId: run.id,
        changes: { format: run.format, ...(changes as object) },
      },
      now.toISOString(),
    );
  }
}
