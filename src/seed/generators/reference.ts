import { CUSTOM_FIELD_ENTITIES, type ROLES, type SOURCE_TYPES } from "../../db/schema/index.js";
import { DEFAULT_PIPELINE } from "../../domain/pipeline.js";
import { DAY_MS, type SeedContext } from "../context.js";
import { CUSTOM_FIELDS } from "../data/custom-fields.js";
import { EMAIL_SUBJECTS, FIRST_NAMES, LAST_NAMES, NOTE_PHRASES, TAG_NAMES } from "../data/words.js";
import { HOSTILE_TAGS } from "../hostile.js";
import { audit, created, slug } from "./common.js";

type Role = (typeof ROLES)[number];

/** The account's default pipeline (docs/ARCHITECTURE.md#data-model): copied into each job. */
export const DEFAULT_STAGES = DEFAULT_PIPELINE;

const SOURCES: readonly { name: string; type: (typeof SOURCE_TYPES)[number] }[] = [
  { name: "LinkedIn", type: "sourced" },
  { name: "GitHub", type: "sourced" },
  { name: "Careers page", type: "applied" },
  { name: "Indeed", type: "applied" },
  { name: "Employee referral", type: "referral" },
  { name: "Northwind Talent Agency", type: "agency" },
  { name: "Internal mobility", type: "internal" },
  { name: "Tech meetup", type: "event" },
  { name: "Other", type: "other" },
];

/** Users: one per role at least, 5–10 in all, with an invited and (sometimes) a disabled one. */
export function generateUsers(ctx: SeedContext): void {
  const r = ctx.rng;
  const roles: Role[] = ["owner", "admin", "recruiter", "viewer"];
  for (let i = r.int(1, 4); i > 0; i--) roles.push(r.pick(["recruiter", "recruiter", "admin", "viewer"]));
  if (r.chance(0.5)) roles.push("recruiter");
  const emails = new Set<string>();
  roles.forEach((role, i) => {
    const first = r.pick(FIRST_NAMES);
    const last = r.pick(LAST_NAMES);
    let email = `${slug(first)}.${slug(last)}@team.example.com`;
    if (emails.has(email)) email = `${slug(first)}.${slug(last)}${i}@team.example.com`;
    emails.add(email);
    const createdMs = ctx.at(ctx.startMs, ctx.startMs + (i === 0 ? 0 : 400 * DAY_MS));
    const status = i === roles.length - 1 ? "invited" : i === 5 ? "disabled" : "active";
    const id = ctx.id();
    ctx.add("users", {
      id,
      account_id: ctx.accountId,
      name: `${first} ${last}`,
      email,
      role,
      status,
      password_hash: null,
      last_login_at: status === "invited" ? null : ctx.iso(ctx.at(ctx.nowMs - 30 * DAY_MS)),
      ...ctx.stamps(createdMs),
    });
    ctx.refs.users.push({ id, role, email, name: `${first} ${last}` });
    if (role !== "viewer" && status === "active") ctx.refs.actorIds.push(id);
    if (role === "recruiter") ctx.refs.recruiterIds.push(id);
    audit(
      ctx,
      "user.created",
      { type: "user", id },
      createdMs,
      created({ email, role }),
      ctx.refs.users[0]!.id,
    );
  });
  if (ctx.refs.recruiterIds.length === 0) ctx.refs.recruiterIds.push(ctx.refs.actorIds[0]!);
}

/** Two invoices: one paid (with `paid_at`), one pending (due in two weeks). */
export function generateInvoices(ctx: SeedContext): void {
  const year = new Date(ctx.nowMs).getUTCFullYear();
  const paidDue = ctx.nowMs - 20 * DAY_MS;
  const rows = [
    { number: `INV-${year}-0001`, status: "paid" as const, due: paidDue, paid: paidDue - 2 * DAY_MS },
    { number: `INV-${year}-0002`, status: "pending" as const, due: ctx.nowMs + 14 * DAY_MS, paid: null },
  ];
  for (const inv of rows) {
    const createdMs = inv.due - 30 * DAY_MS;
    const id = ctx.id();
    ctx.add("invoices", {
      id,
      account_id: ctx.accountId,
      number: inv.number,
      amount_cents: ctx.rng.int(100, 2000) * 100 - 1,
      currency: "EUR",
      status: inv.status,
      due_date: ctx.iso(inv.due).slice(0, 10),
      paid_at: inv.paid === null ? null : ctx.iso(inv.paid),
      created_at: ctx.iso(createdMs),
      updated_at: ctx.iso(inv.paid ?? createdMs),
    });
    audit(ctx, "invoice.created", { type: "invoice", id }, createdMs, created({ number: inv.number }), null);
  }
}

/** Sources, tags (ordinary and hostile), the default pipeline and the custom field definitions. */
export function generateReference(ctx: SeedContext): void {
  const base = () => ({ id: ctx.id(), account_id: ctx.accountId, ...ctx.stamps(ctx.startMs) });
  for (const s of SOURCES) {
    const row = { ...base(), name: s.name, source_type: s.type };
    ctx.add("sources", row);
    ctx.refs.sources.push({ id: row.id, source_type: s.type, name: s.name });
  }
  for (const name of TAG_NAMES) {
    const row = { ...base(), name };
    ctx.add("tags", row);
    ctx.refs.tagIds.push(row.id);
  }
  for (const name of HOSTILE_TAGS) {
    const row = { ...base(), name };
    ctx.add("tags", row);
    ctx.refs.hostileTagIds.push(row.id);
  }
  DEFAULT_STAGES.forEach((s, position) => {
    ctx.add("stage_definitions", { ...base(), name: s.name, position, type: s.type });
  });
  for (const entity of CUSTOM_FIELD_ENTITIES) {
    const defs: { id: string; key: string; type: string; options: string[] | null }[] = [];
    CUSTOM_FIELDS[entity].forEach((f, position) => {
      const options = f.options ? [...f.options] : null;
      const row = {
        ...base(),
        entity_type: entity,
        key: f.key,
        label: f.label,
        type: f.type,
        options: options ? JSON.stringify(options) : null,
        position,
      };
      ctx.add("custom_field_definitions", row);
      defs.push({ id: row.id, key: f.key, type: f.type, options });
    });
    ctx.refs.customFields.set(entity, defs);
  }
}

/** E-mail templates, sequences with steps and settings, and lists inside folders. */
export function generateOutreach(ctx: SeedContext, candidates: number): void {
  const r = ctx.rng;
  EMAIL_SUBJECTS.forEach((subject, i) => {
    const id = ctx.id();
    ctx.add("email_templates", {
      id,
      account_id: ctx.accountId,
      name: `Template ${i + 1}: ${subject.replace("{company}", "company")}`,
      subject,
      body: `Hi {first_name},\n\n${r.pick(NOTE_PHRASES)}\n\nBest,\n{sender_name}`,
      created_by_id: r.pick(ctx.refs.actorIds),
      ...ctx.stamps(ctx.at(ctx.startMs, ctx.startMs + 200 * DAY_MS)),
    });
    ctx.refs.templates.push({ id, subject });
  });
  const sequenceCount = 3 + Math.floor(candidates / 20_000);
  for (let s = 0; s < sequenceCount; s++) {
    const id = ctx.id();
    const createdMs = ctx.at(ctx.startMs, ctx.nowMs - 100 * DAY_MS);
    ctx.add("sequences", {
      id,
      account_id: ctx.accountId,
      name: `Outreach ${s + 1}`,
      status: r.weighted(["active", "paused", "archived"] as const, [6, 2, 1]),
      owner_id: r.pick(ctx.refs.actorIds),
      ...ctx.stamps(createdMs),
    });
    const stepIds: string[] = [];
    const emailStepIds: string[] = [];
    const steps = r.int(3, 5);
    for (let position = 0; position < steps; position++) {
      const kind = position === 0 ? "email" : r.weighted(["email", "task", "wait"] as const, [3, 1, 1]);
      const stepId = ctx.id();
      const template = kind === "email" && r.chance(0.7) ? r.pick(ctx.refs.templates) : null;
      ctx.add("sequence_steps", {
        id: stepId,
        account_id: ctx.accountId,
        sequence_id: id,
        position,
        kind,
        delay_days: position === 0 ? 0 : r.int(1, 7),
        template_id: template?.id ?? null,
        subject: kind === "email" && !template ? `Step ${position + 1}: following up` : null,
        body:
          kind === "task" ? "Call the candidate" : kind === "email" && !template ? "Just checking in." : null,
        ...ctx.stamps(createdMs),
      });
      stepIds.push(stepId);
      if (kind === "email") emailStepIds.push(stepId);
    }
    ctx.add("sequence_settings", {
      id: ctx.id(),
      account_id: ctx.accountId,
      sequence_id: id,
      stop_on_reply: r.chance(0.8),
      skip_weekends: r.chance(0.7),
      send_window_start: r.pick(["08:00", "09:00", "09:30"]),
      send_window_end: r.pick(["17:00", "18:00", "20:00"]),
      time_zone: r.pick(["Europe/London", "Europe/Berlin", "America/New_York", "UTC"]),
      daily_limit: r.int(20, 200),
      ...ctx.stamps(createdMs),
    });
    ctx.refs.sequences.push({ id, stepIds, emailStepIds });
  }
  const folderIds: string[] = [];
  for (const name of ["Talent pools", "Clients", "Archive 2024"]) {
    const id = ctx.id();
    folderIds.push(id);
    ctx.add("lists", {
      id,
      account_id: ctx.accountId,
      name,
      kind: "folder",
      parent_id: null,
      entity_type: null,
      owner_id: r.pick(ctx.refs.actorIds),
      ...ctx.stamps(ctx.at(ctx.startMs)),
    });
  }
  const listCount = Math.max(6, Math.round(candidates / 2000));
  for (let i = 0; i < listCount; i++) {
    // Every entity type gets lists; persons the most.
    const entityType = (["person", "company", "job", "person"] as const)[i % 4]!;
    const id = ctx.id();
    ctx.add("lists", {
      id,
      account_id: ctx.accountId,
      name: `${entityType === "person" ? "Pool" : entityType === "company" ? "Targets" : "Openings"} ${i + 1}`,
      kind: "list",
      parent_id: r.chance(0.6) ? r.pick(folderIds) : null,
      entity_type: entityType,
      owner_id: r.pick(ctx.refs.actorIds),
      ...ctx.stamps(ctx.at(ctx.startMs)),
    });
    ctx.refs.lists.push({ id, entity_type: entityType });
  }
}
