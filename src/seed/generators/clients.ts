import { DAY_MS, type SeedContext } from "../context.js";
import {
  CITIES,
  COMPANY_SIZES,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  FIRST_NAMES,
  INDUSTRIES,
  LAST_NAMES,
} from "../data/words.js";
import { EMOJI, FORMULA_VALUES, XML_ILLEGAL_TEXT } from "../hostile.js";
import { activity, actor, audit, created, customFieldValues, slug, tag, task } from "./common.js";
import { maybeDocument } from "./files.js";
import { personParts } from "./person-parts.js";

const CONTACT_TITLES = [
  "Head of Talent",
  "CTO",
  "VP Engineering",
  "HR Director",
  "Hiring Manager",
  "CFO",
  "COO",
];

/** The `enrichment` JSON of a company, as an outside data provider would send it. */
function enrichment(ctx: SeedContext, name: string, index: number): string | null {
  const r = ctx.rng;
  if (index > 0 && r.chance(0.25)) return null;
  const data: Record<string, unknown> = {
    provider: r.pick(["opencorporates-sample", "clearbit-sample", "manual-import"]),
    fetched_at: ctx.iso(ctx.at(ctx.startMs)),
    employees: r.int(3, 20_000),
    founded: r.int(1950, 2022),
    hq: { city: r.pick(CITIES), country_code: r.pick(["GB", "DE", "FR", "NL", "US", "ES"]) },
    industry_codes: r.sample(["62.01", "62.02", "70.22", "64.19", "86.10"], r.int(1, 3)),
    social: { linkedin: `https://www.linkedin.com/company/${slug(name)}` },
    funding: r.chance(0.5)
      ? { round: r.pick(["seed", "A", "B", "C"]), amount_usd: r.int(1, 500) * 1e5 }
      : null,
    scores: [r.int(0, 100), r.int(0, 1000) / 10, null, true],
  };
  // The first company's blob carries hostile text: it must reach the export verbatim.
  if (index === 0) data.description = `${FORMULA_VALUES[0]} ${EMOJI[0]} ${XML_ILLEGAL_TEXT}`;
  return JSON.stringify(data);
}

/** Contact statuses from the first to the current one (`lead → active → inactive|former`). */
function statusPath(ctx: SeedContext): ("lead" | "active" | "inactive" | "former")[] {
  const end = ctx.rng.weighted(["lead", "active", "inactive", "former"] as const, [2, 5, 2, 1]);
  if (end === "lead") return ["lead"];
  const path: ("lead" | "active" | "inactive" | "former")[] = ctx.rng.chance(0.7)
    ? ["lead", "active"]
    : ["active"];
  if (end !== "active") path.push(end);
  return path;
}

/**
 * Companies (about one per 100 candidates, at least 5) with their contacts: each contact is a
 * person plus a client contact row with a status history. Also their custom field values, tags,
 * activities, tasks, documents and list memberships.
 */
export function generateClients(ctx: SeedContext, candidates: number): void {
  const r = ctx.rng;
  const count = Math.max(5, Math.round(candidates / 100));
  const companyLists = ctx.refs.lists.filter((l) => l.entity_type === "company");
  for (let i = 0; i < count; i++) {
    const id = ctx.id();
    const name = `${r.pick(COMPANY_WORDS)} ${r.pick(COMPANY_SUFFIXES)}`;
    const createdMs = ctx.at(ctx.startMs, ctx.nowMs - 60 * DAY_MS);
    ctx.add("companies", {
      id,
      account_id: ctx.accountId,
      name,
      domain: r.chance(0.8) ? `${slug(name)}.example.com` : null,
      industry: r.chance(0.9) ? r.pick(INDUSTRIES) : null,
      size: r.chance(0.8) ? r.pick(COMPANY_SIZES) : null,
      location: r.chance(0.9) ? r.pick(CITIES) : null,
      website: r.chance(0.7) ? `https://www.${slug(name)}.example.com` : null,
      phone: r.chance(0.5) ? `+44 20 7946 0${r.int(100, 999)}` : null,
      owner_id: r.chance(0.9) ? actor(ctx) : null,
      enrichment: enrichment(ctx, name, i),
      ...ctx.stamps(createdMs),
    });
    audit(ctx, "company.created", { type: "company", id }, createdMs, created({ name }));
    const company = { id, name, createdMs, contactIds: [] as string[], contactPersonIds: [] as string[] };
    ctx.refs.companies.push(company);

    customFieldValues(ctx, "company", id, createdMs, 0.6);
    if (r.chance(0.3)) tag(ctx, r.sample(ctx.refs.tagIds, r.int(1, 2)), "company", id, createdMs);
    if (i === 0) tag(ctx, ctx.refs.hostileTagIds.slice(0, 3), "company", id, createdMs);
    for (let a = r.int(0, 3); a > 0; a--) {
      const act = activity(ctx, "company", id, createdMs);
      maybeDocument(ctx, "activity", act.id, name, act.atMs, 0.05);
    }
    if (r.chance(0.3)) task(ctx, { type: "company", id }, createdMs);
    maybeDocument(ctx, "company", id, name, createdMs, 0.25);
    for (const list of companyLists) {
      if (i === 0 || r.chance(0.15)) listMember(ctx, list.id, "company", id, createdMs);
    }

    for (let c = r.int(1, 3); c > 0; c--) generateContact(ctx, company);
  }
}

function generateContact(
  ctx: SeedContext,
  company: { id: string; name: string; createdMs: number; contactIds: string[]; contactPersonIds: string[] },
): void {
  const r = ctx.rng;
  const personId = ctx.id();
  const createdMs = ctx.at(company.createdMs);
  const name = { first_name: r.pick(FIRST_NAMES), last_name: r.pick(LAST_NAMES) };
  const title = r.pick(CONTACT_TITLES);
  const ownerId = r.chance(0.8) ? actor(ctx) : null;
  ctx.add("persons", {
    id: personId,
    account_id: ctx.accountId,
    ...name,
    headline: `${title} at ${company.name}`,
    location: r.chance(0.8) ? r.pick(CITIES) : null,
    source_type: r.chance(0.5) ? "other" : null,
    source_id: null,
    referrer: null,
    owner_id: ownerId,
    ...ctx.stamps(createdMs),
  });
  personParts(ctx, personId, createdMs, name, { companyId: company.id, companyName: company.name, title });
  customFieldValues(ctx, "person", personId, createdMs, 0.15);
  audit(ctx, "person.created", { type: "person", id: personId }, createdMs, created(name));

  const contactId = ctx.id();
  const path = statusPath(ctx);
  let atMs = createdMs;
  type Status = (typeof path)[number];
  let from: Status | null = null;
  const changes: { at: number; from: Status | null; to: Status }[] = [];
  for (const to of path) {
    changes.push({ at: atMs, from, to });
    from = to;
    atMs = ctx.at(atMs, atMs + 200 * DAY_MS);
  }
  const lastMs = changes[changes.length - 1]!.at;
  ctx.add("client_contacts", {
    id: contactId,
    account_id: ctx.accountId,
    person_id: personId,
    company_id: company.id,
    title: r.chance(0.9) ? title : null,
    status: path[path.length - 1]!,
    owner_id: ownerId,
    created_at: ctx.iso(createdMs),
    updated_at: ctx.iso(lastMs),
  });
  for (const ch of changes) {
    ctx.add("client_contact_status_changes", {
      id: ctx.id(),
      account_id: ctx.accountId,
      client_contact_id: contactId,
      from_status: ch.from,
      to_status: ch.to,
      actor_id: r.chance(0.9) ? actor(ctx) : null,
      at: ctx.iso(ch.at),
      created_at: ctx.iso(ch.at),
      updated_at: ctx.iso(ch.at),
    });
  }
  audit(
    ctx,
    "client_contact.created",
    { type: "client_contact", id: contactId },
    createdMs,
    created({ title }),
  );
  customFieldValues(ctx, "client_contact", contactId, createdMs, 0.5);
  if (r.chance(0.2)) tag(ctx, [r.pick(ctx.refs.tagIds)], "client_contact", contactId, createdMs);
  if (r.chance(0.5)) activity(ctx, "client_contact", contactId, createdMs);
  if (r.chance(0.1)) task(ctx, { type: "client_contact", id: contactId }, createdMs);
  maybeDocument(ctx, "client_contact", contactId, company.name, createdMs, 0.05);
  company.contactIds.push(contactId);
  company.contactPersonIds.push(personId);
}

/** A list membership (the list's entity type must match). */
export function listMember(
  ctx: SeedContext,
  listId: string,
  entityType: "person" | "company" | "job",
  entityId: string,
  fromMs: number,
): void {
  const atMs = ctx.at(fromMs);
  ctx.add("list_members", {
    id: ctx.id(),
    account_id: ctx.accountId,
    list_id: listId,
    entity_type: entityType,
    entity_id: entityId,
    added_by_id: ctx.rng.chance(0.9) ? actor(ctx) : null,
    added_at: ctx.iso(atMs),
    created_at: ctx.iso(atMs),
    updated_at: ctx.iso(atMs),
  });
}
