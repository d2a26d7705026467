import { DAY_MS, type SeedContext } from "../context.js";
import { DEAL_STAGES } from "../data/words.js";
import { activity, actor, audit, created, customFieldValues, tag, task } from "./common.js";
import { maybeDocument } from "./files.js";

/**
 * Deals (about one per 100 candidates, at least 3) with their contacts and jobs, custom field
 * values, tags, activities, tasks and documents; plus a few tasks related to nothing.
 */
export function generateDeals(ctx: SeedContext, candidates: number): void {
  const r = ctx.rng;
  const count = Math.max(3, Math.round(candidates / 100));
  for (let i = 0; i < count; i++) {
    const company = r.chance(0.9) ? r.pick(ctx.refs.companies) : null;
    const createdMs = ctx.at(company?.createdMs ?? ctx.startMs, ctx.nowMs - 10 * DAY_MS);
    const stage = r.pick(DEAL_STAGES);
    const status = stage === "Closed" ? r.pick(["won", "lost"] as const) : i === 0 ? "won" : "open";
    const id = ctx.id();
    const name = `${company?.name ?? "Unassigned"} – ${r.pick(["Retained search", "Contingency", "RPO", "Framework"])} ${i + 1}`;
    ctx.add("deals", {
      id,
      account_id: ctx.accountId,
      name,
      company_id: company?.id ?? null,
      value_cents: r.chance(0.9) ? r.int(50, 5000) * 10_000 : null,
      currency: r.pick(["EUR", "GBP", "USD"]),
      stage,
      status,
      owner_id: r.chance(0.9) ? actor(ctx) : null,
      expected_close_date: r.chance(0.8) ? r.dayBetween(createdMs, createdMs + 180 * DAY_MS) : null,
      ...ctx.stamps(createdMs),
    });
    audit(ctx, "deal.created", { type: "deal", id }, createdMs, created({ name, stage }));
    for (const contactId of company ? r.sample(company.contactIds, r.int(1, 2)) : []) {
      ctx.add("deal_contacts", {
        id: ctx.id(),
        account_id: ctx.accountId,
        deal_id: id,
        client_contact_id: contactId,
        ...ctx.stamps(ctx.at(createdMs)),
      });
    }
    const companyJobs = ctx.refs.jobs.filter((j) => j.companyId !== null && j.companyId === company?.id);
    const jobs = companyJobs.length > 0 ? companyJobs : ctx.refs.jobs;
    for (const job of r.sample(jobs, i === 0 ? 1 : r.int(0, 2))) {
      ctx.add("deal_jobs", {
        id: ctx.id(),
        account_id: ctx.accountId,
        deal_id: id,
        job_id: job.id,
        ...ctx.stamps(ctx.at(createdMs)),
      });
    }
    customFieldValues(ctx, "deal", id, createdMs, 0.6);
    if (r.chance(0.3)) tag(ctx, [r.pick(ctx.refs.tagIds)], "deal", id, createdMs);
    for (let a = r.int(0, 2); a > 0; a--) activity(ctx, "deal", id, createdMs);
    if (i === 0) activity(ctx, "deal", id, createdMs, { kind: "meeting" });
    if (r.chance(0.3)) task(ctx, { type: "deal", id }, createdMs);
    maybeDocument(ctx, "deal", id, name, createdMs, 0.3);
  }
  for (let t = 0; t < 3; t++) task(ctx, null, ctx.startMs);
}
