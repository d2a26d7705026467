import { ValidationError } from "../../domain/errors.js";
import { DEFAULT_PIPELINE } from "../../domain/pipeline.js";
import type { StoredRow } from "../../repositories/entity.repository.js";
import type { EntityRule, RuleTx } from "./rule.js";

/** A new job gets a copy of the account's pipeline (stage definitions), so it can diverge. */
export const jobPipelineRule: EntityRule = {
  async afterCreate(tx, row) {
    const defs = await tx.repo.findBy(tx.ctx.accountId, "stage_definitions", "account_id", [
      tx.ctx.accountId,
    ]);
    defs.sort((a, b) => Number(a.position) - Number(b.position));
    const stages = defs.length ? defs : DEFAULT_PIPELINE.map((s, position) => ({ ...s, position }));
    for (const [position, s] of stages.entries()) {
      await tx.repo.insert("pipeline_stages", {
        id: tx.newId(),
        account_id: tx.ctx.accountId,
        job_id: row.id,
        name: s.name,
        position,
        type: s.type,
        created_at: tx.now,
        updated_at: tx.now,
      });
    }
  },
};

async function firstStage(tx: RuleTx, jobId: string): Promise<StoredRow | undefined> {
  const stages = await tx.repo.findBy(tx.ctx.accountId, "pipeline_stages", "job_id", [jobId]);
  return stages.sort((a, b) => Number(a.position) - Number(b.position))[0];
}

/**
 * Records a move between stages (docs/ARCHITECTURE.md#data-model: stage events — from, to, actor,
 * at, reason).
 */
export async function recordStageEvent(
  tx: RuleTx,
  applicationId: string,
  from: unknown,
  to: unknown,
  reason: string | null,
): Promise<void> {
  await tx.repo.insert("stage_events", {
    id: tx.newId(),
    account_id: tx.ctx.accountId,
    application_id: applicationId,
    from_stage_id: from ?? null,
    to_stage_id: to ?? null,
    actor_id: tx.ctx.actor.type === "user" ? tx.ctx.actor.id : null,
    at: tx.now,
    reason,
    created_at: tx.now,
    updated_at: tx.now,
  });
}

/**
 * Applications: the stage defaults to the job's first; a stage must belong to the application's
 * job; every stage change — on create, PATCH or /move — is recorded as a stage event.
 */
export const applicationRule: EntityRule = {
  extras: ["stage_reason"],
  defaulted: ["status", "archived", "applied_at", "stage_id"],
  async defaults(tx, input) {
    const out: Record<string, unknown> = { status: "active", archived: false, applied_at: tx.now };
    if (input.stage_id === undefined && typeof input.job_id === "string") {
      const stage = await firstStage(tx, input.job_id).catch(() => undefined);
      if (stage) out.stage_id = stage.id;
    }
    return out;
  },
  async validate(tx, values, before) {
    const jobId = values.job_id ?? before?.job_id;
    const stageId = values.stage_id ?? before?.stage_id;
    if (before && values.job_id !== undefined && values.job_id !== before.job_id) {
      throw ValidationError.field("job_id", "cannot change; create a new application for the other job");
    }
    if (before && values.person_id !== undefined && values.person_id !== before.person_id) {
      throw ValidationError.field("person_id", "cannot change");
    }
    if (typeof stageId !== "string" || typeof jobId !== "string") return;
    const stage = await tx.repo.get(tx.ctx.accountId, "pipeline_stages", stageId);
    if (stage && stage.job_id !== jobId)
      throw ValidationError.field("stage_id", "is not a stage of this application's job");
  },
  async afterCreate(tx, row, extras) {
    await recordStageEvent(tx, String(row.id), null, row.stage_id, reasonOf(extras));
  },
  async afterUpdate(tx, before, after, extras) {
    if (before.stage_id !== after.stage_id) {
      await recordStageEvent(tx, String(after.id), before.stage_id, after.stage_id, reasonOf(extras));
    }
  },
};

function reasonOf(extras: Record<string, unknown>): string | null {
  const r = extras.stage_reason;
  if (r === undefined || r === null) return null;
  if (typeof r !== "string") throw ValidationError.field("stage_reason", "must be a string");
  return r;
}
