import type { APPLICATION_STATUSES } from "../../db/schema/index.js";
import { DAY_MS, type SeedContext } from "../context.js";
import { NOTE_PHRASES, REJECT_REASONS, WITHDRAW_REASONS } from "../data/words.js";
import { actor, audit, created } from "./common.js";
import { maybeDocument } from "./files.js";

type Status = (typeof APPLICATION_STATUSES)[number];

/** Position of the "Applied" stage in every pipeline (the planted candidates sit there). */
export const APPLIED_POSITION = 1;
const HIRED_POSITION = 5;

/**
 * One application of a person to a job, with the stage events that lead to its current stage
 * (first event from nowhere to the entry stage, then one per step forward), its assessments, an
 * occasional document, and audit entries. `planted` applications are active in "Applied".
 */
export function generateApplication(
  ctx: SeedContext,
  person: { id: string; createdMs: number; sourceType: string | null; title: string },
  jobIndex: number,
  planted: boolean,
): void {
  const r = ctx.rng;
  const job = ctx.refs.jobs[jobIndex]!;
  const appliedMs = ctx.at(Math.max(person.createdMs, job.createdMs));
  let status: Status = "active";
  let current = APPLIED_POSITION;
  if (!planted) {
    status =
      job.state === "published"
        ? r.weighted(["active", "rejected", "withdrawn", "hired"] as const, [55, 28, 8, 9])
        : r.weighted(["active", "rejected", "withdrawn", "hired"] as const, [15, 55, 15, 15]);
    current = status === "hired" ? HIRED_POSITION : r.weighted([0, 1, 2, 3, 4], [2, 5, 3, 2, 1]);
  }
  // Sourced candidates enter at "Sourced"; others at "Applied" (or where they are, if earlier).
  const entry = Math.min(current, person.sourceType === "sourced" ? 0 : APPLIED_POSITION);

  const id = ctx.id();
  const events: { from: string | null; to: string; atMs: number }[] = [];
  let t = appliedMs;
  events.push({ from: null, to: job.stageIds[entry]!, atMs: t });
  for (let pos = entry + 1; pos <= current; pos++) {
    t = ctx.at(t, t + 14 * DAY_MS);
    events.push({ from: job.stageIds[pos - 1]!, to: job.stageIds[pos]!, atMs: t });
  }
  const decisionMs = status === "active" ? null : ctx.at(t, t + 14 * DAY_MS);
  const decisionReason =
    status === "rejected"
      ? r.pick(REJECT_REASONS)
      : status === "withdrawn"
        ? r.pick(WITHDRAW_REASONS)
        : status === "hired"
          ? "Offer accepted"
          : null;
  const archived =
    job.state === "archived" ||
    ((status === "rejected" || status === "withdrawn") && r.chance(0.4)) ||
    r.chance(0.02);
  const updatedMs = decisionMs ?? t;
  ctx.add("applications", {
    id,
    account_id: ctx.accountId,
    person_id: person.id,
    job_id: job.id,
    stage_id: job.stageIds[current]!,
    status,
    decision_reason: decisionReason,
    archived: planted ? false : archived,
    assigned_to_id: r.chance(0.85) ? r.pick(ctx.refs.recruiterIds) : null,
    applied_at: ctx.iso(appliedMs),
    created_at: ctx.iso(appliedMs),
    updated_at: ctx.iso(updatedMs),
  });
  for (const ev of events) {
    ctx.add("stage_events", {
      id: ctx.id(),
      account_id: ctx.accountId,
      application_id: id,
      from_stage_id: ev.from,
      to_stage_id: ev.to,
      actor_id: r.chance(0.9) ? actor(ctx) : null,
      at: ctx.iso(ev.atMs),
      reason: ev.from !== null && r.chance(0.2) ? r.pick(NOTE_PHRASES) : null,
      created_at: ctx.iso(ev.atMs),
      updated_at: ctx.iso(ev.atMs),
    });
  }
  audit(ctx, "application.created", { type: "application", id }, appliedMs, created({ job_id: job.id }));
  if (events.length > 1) {
    const last = events[events.length - 1]!;
    audit(ctx, "application.stage_changed", { type: "application", id }, last.atMs, {
      stage_id: [last.from, last.to],
    });
  }
  if (decisionMs !== null) {
    audit(ctx, "application.decided", { type: "application", id }, decisionMs, {
      status: ["active", status],
      decision_reason: [null, decisionReason],
    });
  }
  if (current >= 2) {
    for (let a = r.int(0, 2); a > 0; a--) {
      const atMs = ctx.at(appliedMs, t);
      ctx.add("assessments", {
        id: ctx.id(),
        account_id: ctx.accountId,
        application_id: id,
        kind: r.pick(["scorecard", "interview", "test", "reference_check", "other"] as const),
        score: r.chance(0.7) ? r.int(0, 100) / 10 : null,
        rating: r.chance(0.8) ? r.int(1, 5) : null,
        author_id: r.chance(0.9) ? actor(ctx) : null,
        notes: r.chance(0.7) ? r.pick(NOTE_PHRASES) : null,
        ...ctx.stamps(atMs),
      });
    }
  }
  if (status === "hired" || current >= 4) maybeDocument(ctx, "application", id, person.title, appliedMs, 0.2);
}
