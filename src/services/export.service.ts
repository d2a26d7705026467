import type { Kysely } from "kysely";
import { writeTransaction } from "../db/dialect.js";
import type { DB } from "../db/schema/index.js";
import type { Clock } from "../domain/clock.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../domain/errors.js";
import { canExport } from "../domain/roles.js";
import type { ExportFormatId } from "../exports/export-format.js";
import { EXPORT_FORMAT_REGISTRY } from "../exports/registry.js";
import { recordAudit } from "../repositories/audit-log.repository.js";
import {
  type ExportArtifact,
  type ExportRun,
  ExportRunRepository,
} from "../repositories/export-run.repository.js";
import { InvoiceRepository, type PendingInvoice } from "../repositories/invoice.repository.js";
import { PAYMENT_GATED_FORMATS, releasePaidExports } from "./payment-gate.service.js";
import type { WriteContext } from "./write-context.js";

/** Attempts per run before it is failed for good (crashes count: docs/EXPORTS.md#export-runs). */
export const MAX_ATTEMPTS = 5;

export interface RunWithArtifacts {
  run: ExportRun;
  artifacts: ExportArtifact[];
  /** What an `awaiting_payment` run waits for: the account's pending invoices; else empty. */
  pendingInvoices: PendingInvoice[];
}

/** A request's answer: the run (new or joined) and, when it waits, the invoices it waits for. */
export interface RequestedRun {
  run: ExportRun;
  created: boolean;
  pendingInvoices: PendingInvoice[];
}

/**
 * Requesting, listing and revoking exports (docs/EXPORTS.md#the-three-exports,
 * docs/EXPORTS.md#export-runs, docs/EXPORTS.md#links-and-downloads). Only owners and admins; every
 * request and revoke is audited. Concurrent requests of one format share one run
 * (docs/EXPORTS.md#export-runs). A full export requested while an invoice is pending waits in
 * `awaiting_payment` (docs/EXPORTS.md#full-export-and-invoices): the request is accepted, not
 * refused, and the run starts by itself once the invoices are paid or voided.
 */
export class ExportService {
  readonly runs: ExportRunRepository;
  private readonly invoices: InvoiceRepository;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {
    this.runs = new ExportRunRepository(db);
    this.invoices = new InvoiceRepository(db);
  }

  /**
   * Queues an export, or returns the one of that format already waiting or running. A gated
   * format (full) with a pending invoice is created in `awaiting_payment` instead of `queued`.
   */
  async request(
    ctx: WriteContext,
    format: string,
    trigger: "manual" | "cli" = "manual",
  ): Promise<RequestedRun> {
    assertCanExport(ctx);
    if (!EXPORT_FORMAT_REGISTRY.has(format as ExportFormatId)) {
      const known = [...EXPORT_FORMAT_REGISTRY.keys()].join(", ");
      throw ValidationError.field("format", `must be one of: ${known}`);
    }
    const now = this.clock.now();
    const gated = PAYMENT_GATED_FORMATS.has(format as ExportFormatId);
    const unpaid = gated && (await this.invoices.pending(ctx.accountId)).length > 0;
    const input = {
      accountId: ctx.accountId,
      format: format as ExportFormatId,
      trigger,
      requestedById: ctx.actor.type === "user" ? ctx.actor.id : null,
      state: unpaid ? ("awaiting_payment" as const) : ("queued" as const),
      maxAttempts: MAX_ATTEMPTS,
    };
    // Null only when the active run finished between the insert and the lookup: ask again
    // (a loop, not a recursive request, so the request is audited once).
    let settled = await this.runs.createOrGetActive(input, now);
    while (!settled) settled = await this.runs.createOrGetActive(input, now);
    let { run } = settled;
    // The invoices may have been settled since the check (or, for a joined run, outside the API
    // since it was made): release now rather than leave it to the next sweep.
    if (run.state === "awaiting_payment") {
      const released = await writeTransaction(this.db, (trx) =>
        releasePaidExports(trx, now, ctx, "request", ctx.accountId),
      );
      run = released.find((r) => r.id === run.id) ?? run;
    }
    const awaiting = run.state === "awaiting_payment";
    await recordAudit(
      this.db,
      ctx,
      {
        action: "export.requested",
        entityType: "export_run",
        entityId: run.id,
        changes: { format, trigger, joined_existing: !settled.created, awaiting_payment: awaiting },
      },
      now.toISOString(),
    );
    return { run, created: settled.created, pendingInvoices: await this.pendingFor(ctx, [run]) };
  }

  async get(ctx: WriteContext, id: string): Promise<RunWithArtifacts> {
    assertCanExport(ctx);
    const run = await this.runs.get(ctx.accountId, id);
    if (!run) throw new NotFoundError("export", id);
    return {
      run,
      artifacts: await this.runs.artifacts(ctx.accountId, [run.id]),
      pendingInvoices: await this.pendingFor(ctx, [run]),
    };
  }

  /** Newest first; `beforeId` is the last run of the previous page. */
  async list(
    ctx: WriteContext,
    opts: { format?: ExportFormatId; limit: number; beforeId?: string },
  ): Promise<RunWithArtifacts[]> {
    assertCanExport(ctx);
    const runs = await this.runs.list(ctx.accountId, opts);
    const artifacts = await this.runs.artifacts(
      ctx.accountId,
      runs.map((r) => r.id),
    );
    const pending = await this.pendingFor(ctx, runs);
    return runs.map((run) => ({
      run,
      artifacts: artifacts.filter((a) => a.export_run_id === run.id),
      pendingInvoices: run.state === "awaiting_payment" ? pending : [],
    }));
  }

  /**
   * The account's pending invoices when one of `runs` waits for payment, else none: one query
   * per page at most, since every waiting run of an account waits for the same invoices.
   */
  private async pendingFor(ctx: WriteContext, runs: readonly ExportRun[]): Promise<PendingInvoice[]> {
    if (!runs.some((r) => r.state === "awaiting_payment")) return [];
    return this.invoices.pending(ctx.accountId);
  }

  /**
   * Audits a download of an export file through the API (`export.downloaded`); `outcome` says
   * whether the client got all of it. Called once the response has ended.
   */
  async recordFileDownload(
    ctx: WriteContext,
    run: ExportRun,
    artifact: ExportArtifact,
    outcome: object,
  ): Promise<void> {
    await recordAudit(
      this.db,
      ctx,
      {
        action: "export.downloaded",
        entityType: "export_run",
        entityId: run.id,
        changes: { artifact_id: artifact.id, part: artifact.part, via: "api", ...outcome },
      },
      this.clock.now().toISOString(),
    );
  }

  /** Audits a download of the Candidates Excel Report on its own (`report.downloaded`). */
  async recordReportDownload(ctx: WriteContext, via: "api" | "web", at: Date): Promise<void> {
    await recordAudit(
      this.db,
      ctx,
      { action: "report.downloaded", entityType: "report", changes: { report: "candidates", via } },
      at.toISOString(),
    );
  }

  /** Revokes every link of a finished export now; its files are deleted by the expiry sweep. */
  async revoke(ctx: WriteContext, id: string): Promise<RunWithArtifacts> {
    assertCanExport(ctx);
    const now = this.clock.now();
    const run = await this.runs.get(ctx.accountId, id);
    if (!run) throw new NotFoundError("export", id);
    if (run.state !== "succeeded" && run.state !== "expired") {
      throw ValidationError.field(
        "state",
        `only a finished export can be revoked (this one is ${run.state})`,
      );
    }
    if (await this.runs.revoke(ctx.accountId, id, now)) {
      await recordAudit(
        this.db,
        ctx,
        { action: "export.revoked", entityType: "export_run", entityId: id, changes: { format: run.format } },
        now.toISOString(),
      );
    }
    return this.get(ctx, id);
  }
}

function assertCanExport(ctx: WriteContext): void {
  if (!canExport(ctx.actor.role)) throw new ForbiddenError("Only owners and admins can export data.");
}
