import { releasePaidExports } from "../payment-gate.service.js";
import type { EntityRule } from "./rule.js";

/**
 * Invoices: paying one stamps `paid_at`; leaving `paid` clears it. Settling (paying, voiding or
 * deleting) the account's last pending invoice releases the full exports waiting for payment
 * (docs/EXPORTS.md#the-full-data-export) in the same transaction, so the answer to the PATCH
 * already sees them `queued`. A new pending invoice does not stop exports already queued or
 * running: the gate is on the request.
 */
export const invoiceRule: EntityRule = {
  defaulted: ["status"],
  async defaults() {
    return { status: "pending" };
  },
  async beforeUpdate(tx, before, values) {
    if (values.status === "paid" && before.status !== "paid" && values.paid_at === undefined)
      values.paid_at = tx.now;
    if (values.status !== undefined && values.status !== "paid" && before.status === "paid")
      values.paid_at = null;
  },
  async afterUpdate(tx, before, after) {
    if (before.status !== "pending" || after.status === "pending") return;
    const cause = after.status === "paid" ? "invoice_paid" : "invoice_voided";
    await releasePaidExports(tx.trx, new Date(tx.now), tx.ctx, cause, tx.ctx.accountId);
  },
  async afterDelete(tx, before) {
    if (before.status !== "pending") return;
    await releasePaidExports(tx.trx, new Date(tx.now), tx.ctx, "invoice_deleted", tx.ctx.accountId);
  },
};

/** Tasks: completing stamps `completed_at`; the creator is recorded. */
export const taskRule: EntityRule = {
  defaulted: ["status", "created_by_id"],
  async defaults(tx) {
    return { status: "open", created_by_id: tx.ctx.actor.type === "user" ? tx.ctx.actor.id : null };
  },
  async beforeUpdate(tx, before, values) {
    if (values.status === "done" && before.status !== "done") values.completed_at ??= tx.now;
    if (values.status === "open" && before.status === "done") values.completed_at = null;
  },
};

/**
 * Client contacts: every status change is kept (docs/ARCHITECTURE.md#data-model "status changes").
 */
export const clientContactRule: EntityRule = {
  defaulted: ["status"],
  async defaults() {
    return { status: "active" };
  },
  async afterCreate(tx, row) {
    await addStatusChange(tx, String(row.id), null, row.status);
  },
  async afterUpdate(tx, before, after) {
    if (before.status !== after.status)
      await addStatusChange(tx, String(after.id), before.status, after.status);
  },
};

async function addStatusChange(
  tx: Parameters<NonNullable<EntityRule["afterCreate"]>>[0],
  contactId: string,
  from: unknown,
  to: unknown,
) {
  await tx.repo.insert("client_contact_status_changes", {
    id: tx.newId(),
    account_id: tx.ctx.accountId,
    client_contact_id: contactId,
    from_status: from ?? null,
    to_status: to,
    actor_id: tx.ctx.actor.type === "user" ? tx.ctx.actor.id : null,
    at: tx.now,
    created_at: tx.now,
    updated_at: tx.now,
  });
}

/** Simple defaults for tables whose flags and states have an obvious starting value. */
export const simpleDefaults: Record<string, EntityRule> = {
  jobs: { defaulted: ["state"], defaults: async () => ({ state: "draft" }) },
  work_history: { defaulted: ["is_current"], defaults: async () => ({ is_current: false }) },
  custom_field_definitions: { defaulted: ["position"], defaults: async () => ({ position: 0 }) },
  activities: {
    defaulted: ["at", "author_id"],
    defaults: async (tx) => ({
      at: tx.now,
      author_id: tx.ctx.actor.type === "user" ? tx.ctx.actor.id : null,
    }),
  },
  assessments: {
    defaulted: ["author_id"],
    defaults: async (tx) => ({ author_id: tx.ctx.actor.type === "user" ? tx.ctx.actor.id : null }),
  },
};
