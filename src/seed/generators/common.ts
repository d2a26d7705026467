import type { ACTIVITY_SUBJECTS, CUSTOM_FIELD_ENTITIES, TAGGABLE_ENTITIES } from "../../db/schema/index.js";
import { DAY_MS, type SeedContext } from "../context.js";
import { NOTE_PHRASES, TASK_TITLES } from "../data/words.js";

type Subject = (typeof ACTIVITY_SUBJECTS)[number];

/** Lower-case ASCII for e-mail addresses and URLs; `fallback` when nothing is left. */
export function slug(text: string, fallback = "x"): string {
  const s = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
  return s || fallback;
}

/** Picks an acting user (owner, admin or recruiter). */
export function actor(ctx: SeedContext): string {
  return ctx.rng.pick(ctx.refs.actorIds);
}

/** One canonical value for a custom field type (see the catalog: ISO date, decimal, JSON array). */
export function customFieldValue(ctx: SeedContext, def: { type: string; options: string[] | null }): string {
  const r = ctx.rng;
  switch (def.type) {
    case "number":
      return r.chance(0.5) ? String(r.int(1, 200) * 500) : (r.int(0, 1000) / 10).toFixed(1);
    case "date":
      return r.dayBetween(ctx.startMs, ctx.nowMs + 365 * DAY_MS);
    case "boolean":
      return r.chance(0.5) ? "true" : "false";
    case "select":
      return r.pick(def.options ?? ["?"]);
    case "multiselect":
      return JSON.stringify(r.sample(def.options ?? [], r.int(1, 3)));
    case "url":
      return `https://example.com/${r.int(1000, 99999)}`;
    default:
      return r.pick(NOTE_PHRASES);
  }
}

/**
 * Values for the custom fields of one record: each field with probability `p`, plus the given
 * `fixed` values by key (always written).
 */
export function customFieldValues(
  ctx: SeedContext,
  entityType: (typeof CUSTOM_FIELD_ENTITIES)[number],
  entityId: string,
  createdMs: number,
  p: number,
  fixed?: Record<string, string>,
): void {
  for (const def of ctx.refs.customFields.get(entityType) ?? []) {
    const forced = fixed?.[def.key];
    if (forced === undefined && !ctx.rng.chance(p)) continue;
    ctx.add("custom_field_values", {
      id: ctx.id(),
      account_id: ctx.accountId,
      definition_id: def.id,
      entity_type: entityType,
      entity_id: entityId,
      value: forced ?? customFieldValue(ctx, def),
      ...ctx.stamps(ctx.at(createdMs)),
    });
  }
}

/** Tags a record with the given tags (distinct ids). */
export function tag(
  ctx: SeedContext,
  tagIds: readonly string[],
  entityType: (typeof TAGGABLE_ENTITIES)[number],
  entityId: string,
  createdMs: number,
): void {
  for (const tagId of new Set(tagIds)) {
    const created = ctx.iso(ctx.at(createdMs));
    ctx.add("taggings", {
      id: ctx.id(),
      account_id: ctx.accountId,
      tag_id: tagId,
      entity_type: entityType,
      entity_id: entityId,
      created_at: created,
      updated_at: created,
    });
  }
}

/** An activity (note, email, call, meeting) on a record; returns its id and time. */
export function activity(
  ctx: SeedContext,
  subjectType: Subject,
  subjectId: string,
  fromMs: number,
  opts: { kind?: "note" | "email" | "call" | "meeting"; body?: string } = {},
): { id: string; atMs: number } {
  const id = ctx.id();
  const atMs = ctx.at(fromMs);
  const kind = opts.kind ?? ctx.rng.weighted(["note", "email", "call", "meeting"] as const, [5, 2, 2, 1]);
  ctx.add("activities", {
    id,
    account_id: ctx.accountId,
    kind,
    subject_type: subjectType,
    subject_id: subjectId,
    author_id: ctx.rng.chance(0.95) ? actor(ctx) : null,
    body: opts.body ?? `${ctx.rng.pick(NOTE_PHRASES)} ${ctx.rng.pick(NOTE_PHRASES)}`,
    at: ctx.iso(atMs),
    ...ctx.stamps(atMs),
  });
  return { id, atMs };
}

/** A task, related to a record or (when `related` is null) to nothing. */
export function task(ctx: SeedContext, related: { type: Subject; id: string } | null, fromMs: number): void {
  const r = ctx.rng;
  const createdMs = ctx.at(fromMs);
  const status = r.weighted(["open", "done", "cancelled"] as const, [4, 5, 1]);
  const completedMs = status === "done" ? ctx.at(createdMs, createdMs + 20 * DAY_MS) : null;
  ctx.add("tasks", {
    id: ctx.id(),
    account_id: ctx.accountId,
    title: r.pick(TASK_TITLES),
    description: r.chance(0.5) ? r.pick(NOTE_PHRASES) : null,
    status,
    due_at: r.chance(0.8) ? ctx.iso(createdMs + r.int(1, 30) * DAY_MS) : null,
    assignee_id: r.chance(0.9) ? actor(ctx) : null,
    related_type: related?.type ?? null,
    related_id: related?.id ?? null,
    completed_at: completedMs === null ? null : ctx.iso(completedMs),
    created_by_id: actor(ctx),
    created_at: ctx.iso(createdMs),
    updated_at: ctx.iso(completedMs ?? createdMs),
  });
}

/** An audit log entry written by a user (or by the system when `actorId` is null). */
export function audit(
  ctx: SeedContext,
  action: string,
  entity: { type: string; id: string } | null,
  atMs: number,
  changes: Record<string, unknown> | null,
  actorId: string | null = actor(ctx),
): void {
  const at = ctx.iso(atMs);
  ctx.add("audit_log", {
    id: ctx.id(),
    account_id: ctx.accountId,
    actor_type: actorId ? "user" : "system",
    actor_id: actorId,
    action,
    entity_type: entity?.type ?? null,
    entity_id: entity?.id ?? null,
    at,
    changes: changes ? JSON.stringify(changes) : null,
    // TEST-NET-3 addresses (RFC 5737): never a real client's IP.
    ip: actorId ? `203.0.113.${ctx.rng.int(1, 254)}` : null,
    created_at: at,
    updated_at: at,
  });
}

/** `{ field: [null, value] }` for a created record: the audit log's change format. */
export function created(fields: Record<string, unknown>): Record<string, [null, unknown]> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, [null, v]]));
}
