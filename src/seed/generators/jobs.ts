import { EMPLOYMENT_TYPES, JOB_STATES } from "../../db/schema/index.js";
import { DAY_MS, type SeedContext } from "../context.js";
import { CITIES, DEPARTMENTS, JOB_TITLES, NOTE_PHRASES } from "../data/words.js";
import { HOSTILE_JOB_TITLES, HOSTILE_STAGE_NAMES } from "../hostile.js";
import { listMember } from "./clients.js";
import { activity, actor, audit, created, customFieldValues, tag, task } from "./common.js";
import { maybeDocument } from "./files.js";
import { DEFAULT_STAGES } from "./reference.js";

type JobState = (typeof JOB_STATES)[number];

/** Regular openings: about one per 50 candidates, at least 3 (the hostile ones come on top). */
export function regularJobCount(candidates: number): number {
  return Math.max(3, Math.round(candidates / 50));
}

/** Stage names of a job: the default pipeline, with hostile names in the hostile openings. */
function stageNames(hostileIndex: number | null): string[] {
  const names: string[] = DEFAULT_STAGES.map((s) => s.name);
  if (hostileIndex !== null) {
    const n = HOSTILE_STAGE_NAMES.length;
    // Position 1 ("Applied") is where the planted candidates sit, so their CVs land in
    // `Resumes/<hostile job>/<hostile stage>/`.
    names[1] = HOSTILE_STAGE_NAMES[hostileIndex % n]!;
    if (hostileIndex % 3 === 0) names[3] = HOSTILE_STAGE_NAMES[(hostileIndex + 5) % n]!;
  }
  return names;
}

/**
 * Jobs in every state (regular ones, then one per hostile title), each with its pipeline copied
 * from the stage definitions, team members, client contacts, target companies, custom field
 * values, tags, activities, tasks, documents and list memberships.
 */
export function generateJobs(ctx: SeedContext, candidates: number): void {
  const r = ctx.rng;
  const regular = regularJobCount(candidates);
  const total = regular + HOSTILE_JOB_TITLES.length;
  const jobLists = ctx.refs.lists.filter((l) => l.entity_type === "job");
  for (let i = 0; i < total; i++) {
    const hostileIndex = i >= regular ? i - regular : null;
    const state: JobState =
      hostileIndex !== null
        ? hostileIndex % 5 === 4
          ? "closed"
          : "published"
        : i < JOB_STATES.length
          ? JOB_STATES[i]!
          : r.weighted(JOB_STATES, [1.5, 5, 2, 1.5]);
    const company = ctx.refs.companies.length > 0 && r.chance(0.7) ? r.pick(ctx.refs.companies) : null;
    const createdMs = ctx.at(Math.max(ctx.startMs, company?.createdMs ?? 0), ctx.nowMs - 30 * DAY_MS);
    const id = ctx.id();
    const title = hostileIndex !== null ? HOSTILE_JOB_TITLES[hostileIndex]! : r.pick(JOB_TITLES);
    ctx.add("jobs", {
      id,
      account_id: ctx.accountId,
      title,
      company_id: company?.id ?? null,
      department: r.chance(0.8) ? r.pick(DEPARTMENTS) : null,
      location: r.chance(0.9) ? r.pick(CITIES) : null,
      employment_type: r.chance(0.9) ? r.pick(EMPLOYMENT_TYPES) : null,
      state,
      owner_id: r.chance(0.9) ? actor(ctx) : null,
      openings: r.chance(0.8) ? r.int(1, 5) : null,
      description: r.chance(0.8) ? `${r.pick(NOTE_PHRASES)}\n\n${r.pick(NOTE_PHRASES)}` : null,
      ...ctx.stamps(createdMs),
    });
    audit(ctx, "job.created", { type: "job", id }, createdMs, created({ title, state }));

    const stageIds: string[] = [];
    stageNames(hostileIndex).forEach((name, position) => {
      const stageId = ctx.id();
      stageIds.push(stageId);
      ctx.add("pipeline_stages", {
        id: stageId,
        account_id: ctx.accountId,
        job_id: id,
        name,
        position,
        type: DEFAULT_STAGES[position]!.type,
        ...ctx.stamps(createdMs),
      });
    });
    const teamRoles = ["recruiter", "hiring_manager", "interviewer", "coordinator"] as const;
    for (const user of r.sample(ctx.refs.users, r.int(1, 3))) {
      ctx.add("job_team_members", {
        id: ctx.id(),
        account_id: ctx.accountId,
        job_id: id,
        user_id: user.id,
        role: user.role === "recruiter" ? "recruiter" : r.pick(teamRoles),
        ...ctx.stamps(ctx.at(createdMs)),
      });
    }
    for (const contactId of company ? r.sample(company.contactIds, r.int(1, 2)) : []) {
      ctx.add("job_client_contacts", {
        id: ctx.id(),
        account_id: ctx.accountId,
        job_id: id,
        client_contact_id: contactId,
        ...ctx.stamps(ctx.at(createdMs)),
      });
    }
    const targets = ctx.refs.companies.filter((c) => c.id !== company?.id);
    for (const target of r.sample(targets, i === 0 ? 2 : r.weighted([0, 1, 2, 3], [3, 2, 1, 1]))) {
      ctx.add("job_target_companies", {
        id: ctx.id(),
        account_id: ctx.accountId,
        job_id: id,
        company_id: target.id,
        ...ctx.stamps(ctx.at(createdMs)),
      });
    }

    customFieldValues(ctx, "job", id, createdMs, 0.6);
    if (r.chance(0.3)) tag(ctx, r.sample(ctx.refs.tagIds, r.int(1, 2)), "job", id, createdMs);
    if (hostileIndex !== null && hostileIndex < ctx.refs.hostileTagIds.length) {
      tag(ctx, [ctx.refs.hostileTagIds[hostileIndex]!], "job", id, createdMs);
    }
    for (let a = r.int(0, 2); a > 0; a--) activity(ctx, "job", id, createdMs);
    if (r.chance(0.2)) task(ctx, { type: "job", id }, createdMs);
    maybeDocument(ctx, "job", id, title, createdMs, 0.2);
    for (const list of jobLists) {
      if (i === 0 || r.chance(0.1)) listMember(ctx, list.id, "job", id, createdMs);
    }

    const index = ctx.refs.jobs.length;
    ctx.refs.jobs.push({ id, companyId: company?.id ?? null, state, createdMs, stageIds, hostileIndex });
    if (state !== "draft") ctx.refs.openJobIndexes.push(index);
    if (hostileIndex !== null) ctx.refs.hostileJobIndexes.push(index);
  }
}
