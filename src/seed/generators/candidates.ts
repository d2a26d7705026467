import { DAY_MS, type SeedContext } from "../context.js";
import { CITIES, FIRST_NAMES, JOB_TITLES, LAST_NAMES, NOTE_PHRASES, SKILLS } from "../data/words.js";
import {
  DUPLICATE_NAME,
  HOSTILE_CUSTOM_FIELD_VALUES,
  HOSTILE_FILE_NAMES,
  HOSTILE_NOTES,
  HOSTILE_PERSON_NAMES,
  HOSTILE_TAGS,
  PLANTED_CANDIDATES,
} from "../hostile.js";
import { generateApplication } from "./applications.js";
import { listMember } from "./clients.js";
import { activity, actor, audit, created, customFieldValues, tag, task } from "./common.js";
import { attach, maybeDocument } from "./files.js";
import { personParts } from "./person-parts.js";

/** Options of the candidate generator. */
export interface CandidateOptions {
  /** Share of candidates with a CV (planted candidates always have one unless it is 0). */
  cvRatio: number;
  /** Number of candidates in the account (spreads their creation times). */
  total: number;
}

const REGULAR_CV_NAMES = {
  pdf: ["resume.pdf", "CV.pdf", "cv.pdf", "{first}_{last}_CV.pdf", "{first} {last} - Resume.pdf"],
  docx: ["resume.docx", "CV.docx", "{first}_{last}_CV.docx", "{first} {last} CV 2025.docx"],
} as const;

/** How many applications a candidate has: 0 for one in five (they go to `Resumes/others/`), ≈1.3 on average. */
function applicationCount(ctx: SeedContext): number {
  return ctx.rng.weighted([0, 1, 2, 3, 4], [20, 45, 22, 10, 3]);
}

/**
 * Candidate number `k` (0-based; the same seed and N always give the same candidate k)
 * with everything hanging off it: contact details, history, CV, applications, activities, tasks,
 * outreach, custom field values, tags, list memberships and audit entries. Candidates below
 * {@link PLANTED_CANDIDATES} carry the hostile values.
 */
export function generateCandidate(ctx: SeedContext, k: number, opts: CandidateOptions): void {
  const r = ctx.rng;
  const planted = k < PLANTED_CANDIDATES;
  const name =
    planted && k < HOSTILE_PERSON_NAMES.length
      ? { ...HOSTILE_PERSON_NAMES[k]! }
      : r.chance(0.01)
        ? { ...DUPLICATE_NAME }
        : { first_name: r.pick(FIRST_NAMES), last_name: r.pick(LAST_NAMES) };
  const id = ctx.id();
  // Candidates arrive in order over the account's life (k-th of `total` at k/total of the way):
  // realistic, and it keeps every time index append-mostly.
  const first = ctx.startMs + 30 * DAY_MS;
  const createdMs = first + Math.floor(((k + r.float()) / Math.max(1, opts.total)) * (ctx.nowMs - first));
  const source = r.chance(0.9) ? r.pick(ctx.refs.sources) : null;
  const title = r.pick(JOB_TITLES);
  const headline = r.chance(0.5) ? `${title} · ${r.sample(SKILLS, 2).join(", ")}` : title;
  ctx.add("persons", {
    id,
    account_id: ctx.accountId,
    ...name,
    headline: r.chance(0.9) ? headline : null,
    location: r.chance(0.85) ? r.pick(CITIES) : null,
    source_type: source?.source_type ?? null,
    source_id: source?.id ?? null,
    referrer: source?.source_type === "referral" ? `${r.pick(FIRST_NAMES)} ${r.pick(LAST_NAMES)}` : null,
    owner_id: r.chance(0.8) ? r.pick(ctx.refs.recruiterIds) : null,
    ...ctx.stamps(createdMs),
  });
  audit(ctx, "person.created", { type: "person", id }, createdMs, created(name));
  const facts = personParts(ctx, id, createdMs, name);

  const hasCv = opts.cvRatio > 0 && (planted || r.chance(opts.cvRatio));
  if (hasCv) {
    let fileName: string;
    let kind: "pdf" | "docx";
    if (planted && k < HOSTILE_FILE_NAMES.length) {
      fileName = HOSTILE_FILE_NAMES[k]!;
      kind = fileName.endsWith(".docx") ? "docx" : "pdf";
    } else {
      kind = r.chance(0.7) ? "pdf" : "docx";
      fileName = r
        .pick(REGULAR_CV_NAMES[kind])
        .replace("{first}", name.first_name)
        .replace("{last}", name.last_name);
    }
    const cvMs = ctx.at(createdMs, createdMs + 10 * DAY_MS);
    const cvId = attach(ctx, {
      entityType: "person",
      entityId: id,
      fileName,
      kind,
      content: { name: `${name.first_name} ${name.last_name}`, headline, lines: facts.lines },
      internalCv: true,
      createdMs: cvMs,
    });
    audit(
      ctx,
      "attachment.created",
      { type: "attachment", id: cvId },
      cvMs,
      created({ file_name: fileName }),
    );
  }
  maybeDocument(ctx, "person", id, headline, createdMs, 0.03);

  const person = { id, createdMs, sourceType: source?.source_type ?? null, title };
  const { hostileJobIndexes, openJobIndexes } = ctx.refs;
  if (planted && hostileJobIndexes.length > 0) {
    // Pairs 2k, 2k+1 share a job (and the "Applied" stage), so colliding file names meet.
    generateApplication(ctx, person, hostileJobIndexes[Math.floor(k / 2) % hostileJobIndexes.length]!, true);
  } else {
    for (const jobIndex of r.sample(openJobIndexes, applicationCount(ctx))) {
      generateApplication(ctx, person, jobIndex, false);
    }
  }

  if (planted) {
    const note = activity(ctx, "person", id, createdMs, {
      kind: "note",
      body: HOSTILE_NOTES[k % HOSTILE_NOTES.length]!,
    });
    if (k === 0) maybeDocument(ctx, "activity", note.id, "note", note.atMs, 1);
  }
  for (let a = r.weighted([0, 1, 2, 3], [3, 4, 2, 1]); a > 0; a--) {
    const act = activity(ctx, "person", id, createdMs);
    maybeDocument(ctx, "activity", act.id, "activity", act.atMs, 0.01);
  }
  if (r.chance(0.15)) task(ctx, { type: "person", id }, createdMs);
  outreach(ctx, id, createdMs, facts.email);

  customFieldValues(
    ctx,
    "person",
    id,
    createdMs,
    0.4,
    planted ? { remarks: HOSTILE_CUSTOM_FIELD_VALUES[k % HOSTILE_CUSTOM_FIELD_VALUES.length]! } : undefined,
  );
  const tagIds = r.chance(0.5) ? r.sample(ctx.refs.tagIds, r.int(1, 2)) : [];
  if (planted) tagIds.push(ctx.refs.hostileTagIds[k % HOSTILE_TAGS.length]!);
  tag(ctx, tagIds, "person", id, createdMs);
  if (r.chance(0.1)) {
    const lists = ctx.refs.lists.filter((l) => l.entity_type === "person");
    if (lists.length > 0) listMember(ctx, r.pick(lists).id, "person", id, createdMs);
  }
}

/** Sequence enrollment (one in ten) and sent e-mails (three in ten), some with a response. */
function outreach(ctx: SeedContext, personId: string, createdMs: number, toAddress: string): void {
  const r = ctx.rng;
  let stepId: string | null = null;
  if (r.chance(0.1)) {
    const sequence = r.pick(ctx.refs.sequences);
    const status = r.weighted(["active", "completed", "replied", "stopped"] as const, [4, 3, 2, 1]);
    const enrolledMs = ctx.at(createdMs);
    const finishedMs = status === "active" ? null : ctx.at(enrolledMs, enrolledMs + 30 * DAY_MS);
    ctx.add("sequence_enrollments", {
      id: ctx.id(),
      account_id: ctx.accountId,
      sequence_id: sequence.id,
      person_id: personId,
      status,
      current_step: r.int(0, sequence.stepIds.length - 1),
      enrolled_by_id: actor(ctx),
      enrolled_at: ctx.iso(enrolledMs),
      finished_at: finishedMs === null ? null : ctx.iso(finishedMs),
      created_at: ctx.iso(enrolledMs),
      updated_at: ctx.iso(finishedMs ?? enrolledMs),
    });
    stepId = sequence.emailStepIds[0] ?? null;
  }
  if (stepId === null && !r.chance(0.3)) return;
  for (let e = r.int(1, 2); e > 0; e--) {
    const sender = r.pick(ctx.refs.users);
    const template = r.chance(0.5) ? r.pick(ctx.refs.templates) : null;
    const sentMs = ctx.at(createdMs);
    const emailId = ctx.id();
    ctx.add("emails", {
      id: emailId,
      account_id: ctx.accountId,
      person_id: personId,
      sender_id: sender.id,
      template_id: template?.id ?? null,
      sequence_step_id: stepId,
      from_address: sender.email,
      to_address: toAddress,
      subject: (template?.subject ?? "Checking in").replace("{company}", "us"),
      body: `${r.pick(NOTE_PHRASES)}\n\n${sender.name}`,
      status: r.weighted(["sent", "delivered", "opened", "bounced"] as const, [2, 4, 3, 1]),
      sent_at: ctx.iso(sentMs),
      created_at: ctx.iso(sentMs),
      updated_at: ctx.iso(sentMs),
    });
    stepId = null;
    if (r.chance(0.3)) {
      const receivedMs = ctx.at(sentMs, sentMs + 5 * DAY_MS);
      ctx.add("email_responses", {
        id: ctx.id(),
        account_id: ctx.accountId,
        email_id: emailId,
        person_id: personId,
        body: r.pick([
          "Thanks, happy to talk.",
          "Not interested right now.",
          "Can we do Tuesday?",
          "Please remove me.",
        ]),
        sentiment: r.chance(0.9) ? r.pick(["positive", "neutral", "negative"] as const) : null,
        received_at: ctx.iso(receivedMs),
        created_at: ctx.iso(receivedMs),
        updated_at: ctx.iso(receivedMs),
      });
    }
  }
}
