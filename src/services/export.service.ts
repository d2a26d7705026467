import type { Kysely } from "kysely";
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
import type { WriteContext } from "./write-context.js";

/** Attempts per run before it is failed for good (crashes count: RELIABILITY 3.1, 3.8). */
export const MAX_ATTEMPTS = 5;

export interface RunWithArtifacts {
  run: ExportRun;
  artifacts: ExportArtifact[];
}

/**
 * Requesting, listing and revoking exports (SPEC §2, §4, §5). Only owners and admins; every
 * request and revoke is audited. Concurrent requests of one format share one run (3.14).
 */
export class ExportService {
  readonly runs: ExportRunRepository;

  constructor(
    readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {
    this.runs = new ExportRunRepository(db);
  }

  /** Queues an export, or returns the one of that format already waiting or running. */
  async request(
    ctx: WriteContext,
    format: string,
    trigger: "manual" | "cli" = "manual",
  ): Promise<{ run: ExportRun; created: boolean }> {
    assertCanExport(ctx);
    if (!EXPORT_FORMAT_REGISTRY.has(format as ExportFormatId)) {
      const known = [...EXPORT_FORMAT_REGISTRY.keys()].join(", ");
      throw ValidationError.field("format", `must be one of: ${known}`);
    }
    const now = this.clock.now();
    const input = {
      accountId: ctx.accountId,
      format: format as ExportFormatId,
      trigger,
      requestedById: ctx.actor.type === "user" ? ctx.actor.id : null,
      maxAttempts: MAX_ATTEMPTS,
    };
    // Null only when the active run finished between the insert and the lookup: ask again
    // (a loop, not a recursive request, so the request is audited once).
    let settled = await this.runs.createOrGetActive(input, now);
    while (!settled) settled = await this.runs.createOrGetActive(input, now);
    await recordAudit(
      this.db,
      ctx,
      {
        action: "export.requested",
        entityType: "export_run",
        entityId: settled.run.id,
        changes: { format, trigger, joined_existing: !settled.created },
      },
      now.toISOString(),
    );
    return settled;
  }

  async get(ctx: WriteContext, id: string): Promise<RunWithArtifacts> {
    assertCanExport(ctx);
    const run = await this.runs.get(ctx.accountId, id);
    if (!run) throw new NotFoundError("export", id);
    return { run, artifacts: await this.runs.artifacts(ctx.accountId, [run.id]) };
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
    return runs.map((run) => ({ run, artifacts: artifacts.filter((a) => a.export_run_id === run.id) }));
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
