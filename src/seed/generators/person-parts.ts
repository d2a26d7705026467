import { DAY_MS, type SeedContext } from "../context.js";
import {
  CITIES,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  DEGREES,
  FIELDS_OF_STUDY,
  JOB_TITLES,
  SCHOOLS,
  SKILLS,
} from "../data/words.js";
import { slug } from "./common.js";

/** What a person's CV shows besides the name and headline. */
export interface PersonFacts {
  email: string;
  lines: string[];
}

/** A made-up employer name that is not one of the account's companies. */
export function outsideCompanyName(ctx: SeedContext): string {
  return `${ctx.rng.pick(COMPANY_WORDS)} ${ctx.rng.pick(COMPANY_SUFFIXES)}`;
}

/**
 * A person's e-mails, phones, links, work history and education (candidates and contacts alike).
 * `current` is the employer of a contact, so their work history shows the client company.
 */
export function personParts(
  ctx: SeedContext,
  personId: string,
  createdMs: number,
  name: { first_name: string; last_name: string },
  current?: { companyId: string; companyName: string; title: string },
): PersonFacts {
  const r = ctx.rng;
  const base = { account_id: ctx.accountId, person_id: personId };
  const handle = `${slug(name.first_name, "person")}.${slug(name.last_name, String(r.int(1, 9999)))}`;
  const emails = r.chance(0.3) ? 2 : 1;
  let primaryEmail = "";
  for (let i = 0; i < emails; i++) {
    const email = i === 0 ? `${handle}${r.int(1, 999)}@example.com` : `${handle}@mail.example.org`;
    if (i === 0) primaryEmail = email;
    ctx.add("person_emails", {
      id: ctx.id(),
      ...base,
      email,
      label: i === 0 ? r.pick(["personal", "work", null]) : "other",
      is_primary: i === 0,
      position: i,
      ...ctx.stamps(ctx.at(createdMs)),
    });
  }
  const phones = r.weighted([0, 1, 2], [1, 6, 2]);
  let phone = "";
  for (let i = 0; i < phones; i++) {
    // Ofcom's drama ranges (020 7946 0xxx, 07700 900xxx): never a real subscriber.
    const p = r.chance(0.5) ? `+44 20 7946 0${r.int(100, 999)}` : `07700 900${r.int(100, 999)}`;
    if (i === 0) phone = p;
    ctx.add("person_phones", {
      id: ctx.id(),
      ...base,
      phone: p,
      label: r.pick(["mobile", "work", "home", null]),
      is_primary: i === 0,
      position: i,
      ...ctx.stamps(ctx.at(createdMs)),
    });
  }
  const linkKinds = r.sample(
    ["linkedin", "github", "website", "portfolio", "twitter", "other"] as const,
    r.int(0, 2),
  );
  linkKinds.forEach((kind, i) => {
    ctx.add("person_links", {
      id: ctx.id(),
      ...base,
      url:
        kind === "linkedin"
          ? `https://www.linkedin.com/in/${handle.replace(".", "-")}-${r.int(100, 999)}`
          : `https://${kind}.example.net/${handle}`,
      kind,
      position: i,
      ...ctx.stamps(ctx.at(createdMs)),
    });
  });

  const lines: string[] = [primaryEmail, phone].filter(Boolean);
  const jobs = r.int(1, 3);
  let end: number | null = null;
  for (let i = 0; i < jobs; i++) {
    const isCurrent = i === 0 && (current !== undefined || r.chance(0.6));
    const title = i === 0 && current ? current.title : r.pick(JOB_TITLES);
    const ownCompany =
      i === 0 && current
        ? { id: current.companyId, name: current.companyName }
        : r.chance(0.25) && ctx.refs.companies.length > 0
          ? r.pick(ctx.refs.companies)
          : null;
    const companyName = ownCompany?.name ?? outsideCompanyName(ctx);
    const stopMs: number = end ?? ctx.nowMs;
    const startMs: number = stopMs - r.int(200, 2000) * DAY_MS;
    ctx.add("work_history", {
      id: ctx.id(),
      ...base,
      company_id: ownCompany?.id ?? null,
      company_name: companyName,
      title,
      location: r.chance(0.7) ? r.pick(CITIES) : null,
      start_date: ctx.iso(startMs).slice(0, 10),
      end_date: isCurrent ? null : ctx.iso(stopMs).slice(0, 10),
      is_current: isCurrent,
      description: r.chance(0.5) ? `Worked with ${r.sample(SKILLS, 3).join(", ")}.` : null,
      ...ctx.stamps(ctx.at(createdMs)),
    });
    lines.push(
      `${title}, ${companyName} (${ctx.iso(startMs).slice(0, 4)}-${isCurrent ? "" : ctx.iso(stopMs).slice(0, 4)})`,
    );
    end = startMs - r.int(0, 120) * DAY_MS;
  }
  const schools = r.weighted([0, 1, 2], [2, 6, 2]);
  for (let i = 0; i < schools; i++) {
    const school = r.pick(SCHOOLS);
    const degree = r.pick(DEGREES);
    const field = r.pick(FIELDS_OF_STUDY);
    const startYear = r.int(1990, 2020);
    ctx.add("education", {
      id: ctx.id(),
      ...base,
      school,
      degree: r.chance(0.9) ? degree : null,
      field_of_study: r.chance(0.9) ? field : null,
      start_date: `${startYear}-09-01`,
      end_date: r.chance(0.9) ? `${startYear + r.int(1, 5)}-06-30` : null,
      description: null,
      ...ctx.stamps(ctx.at(createdMs)),
    });
    lines.push(`${degree} ${field}, ${school}`);
  }
  lines.push(`Skills: ${r.sample(SKILLS, 4).join(", ")}`);
  return { email: primaryEmail, lines };
}
