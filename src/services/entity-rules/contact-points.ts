import type { TableName } from "../../db/schema/index.js";
import { tableSpec } from "../../db/schema/index.js";
import { type FieldError, ValidationError } from "../../domain/errors.js";
import { checkText, coerceValue } from "../entity-input.js";
import type { EntityRule, RuleTx } from "./rule.js";

/** A person's emails, phones and links: given and shown as arrays, stored as child rows. */
const KINDS = {
  emails: { table: "person_emails", value: "email" },
  phones: { table: "person_phones", value: "phone" },
  links: { table: "person_links", value: "url" },
} as const satisfies Record<string, { table: TableName; value: string }>;

type Kind = keyof typeof KINDS;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

function parseItems(kind: Kind, raw: unknown): Record<string, unknown>[] {
  const errors: FieldError[] = [];
  if (!Array.isArray(raw)) throw ValidationError.field(kind, "must be an array");
  const { table, value } = KINDS[kind];
  const spec = tableSpec(table);
  const items = raw.map((item, i) => {
    const at = `${kind}[${i}]`;
    if (typeof item !== "object" || item === null) {
      errors.push({ field: at, message: "must be an object" });
      return {};
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(item)) {
      const col = spec.columns[k];
      if (!col || ["id", "account_id", "person_id", "position", "created_at", "updated_at"].includes(k)) {
        errors.push({ field: `${at}.${k}`, message: "is not a known field" });
        continue;
      }
      out[k] = coerceValue(`${at}.${k}`, col, v, errors);
    }
    const main = out[value];
    if (typeof main !== "string" || main.trim() === "")
      errors.push({ field: `${at}.${value}`, message: "is required" });
    else {
      checkText(`${at}.${value}`, main, errors);
      if (kind === "emails" && !EMAIL.test(main))
        errors.push({ field: `${at}.email`, message: "is not an email address" });
    }
    return out;
  });
  if (errors.length) throw new ValidationError(errors);
  return items;
}

async function replace(
  tx: RuleTx,
  personId: string,
  kind: Kind,
  items: Record<string, unknown>[],
): Promise<void> {
  const { table } = KINDS[kind];
  const old = await tx.repo.findBy(tx.ctx.accountId, table, "person_id", [personId]);
  if (old.length)
    await tx.cascade(
      table,
      old.map((r) => String(r.id)),
    );
  const primaryGiven = items.some((i) => i.is_primary === true);
  for (const [position, item] of items.entries()) {
    const row: Record<string, unknown> = {
      id: tx.newId(),
      account_id: tx.ctx.accountId,
      person_id: personId,
      ...item,
      position,
      created_at: tx.now,
      updated_at: tx.now,
    };
    if (table !== "person_links") row.is_primary = primaryGiven ? item.is_primary === true : position === 0;
    if (table === "person_links") row.kind = item.kind ?? "other";
    if (table !== "person_links") row.label = item.label ?? null;
    await tx.repo.insert(table, row);
  }
}

export const contactPointsRule: EntityRule = {
  extras: ["emails", "phones", "links"],
  async afterCreate(tx, row, extras) {
    for (const kind of Object.keys(KINDS) as Kind[]) {
      if (extras[kind] !== undefined) await replace(tx, String(row.id), kind, parseItems(kind, extras[kind]));
    }
  },
  async afterUpdate(tx, _before, after, extras) {
    for (const kind of Object.keys(KINDS) as Kind[]) {
      if (extras[kind] !== undefined)
        await replace(tx, String(after.id), kind, parseItems(kind, extras[kind]));
    }
  },
  async present(read, rows) {
    const ids = rows.map((r) => r.id);
    for (const [kind, { table, value }] of Object.entries(KINDS)) {
      const children = await read.repo.findBy(read.accountId, table, "person_id", ids);
      children.sort((a, b) => Number(a.position) - Number(b.position));
      for (const row of rows) {
        row[kind] = children
          .filter((c) => c.person_id === row.id)
          .map((c) => {
            const item: Record<string, unknown> = { id: c.id, [value]: c[value] };
            if ("label" in c) item.label = c.label;
            if ("is_primary" in c) item.is_primary = c.is_primary;
            if ("kind" in c) item.kind = c.kind;
            return item;
          });
      }
    }
  },
};
