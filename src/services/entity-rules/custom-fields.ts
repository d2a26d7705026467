import { WEB_URL } from "../../db/schema/index.js";
import { type FieldError, ValidationError } from "../../domain/errors.js";
import type { StoredRow } from "../../repositories/entity.repository.js";
import { checkText, meetsTextRules } from "../entity-input.js";
import type { EntityRule, RuleTx } from "./rule.js";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Values of `url` custom fields follow the catalog's rule for web addresses (http and https). */
const URL_VALUE = { type: "text", ...WEB_URL } as const;

function options(def: StoredRow): string[] {
  try {
    const parsed = JSON.parse(String(def.options ?? "[]"));
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

/**
 * Converts an API value to the canonical text stored in `custom_field_values.value`:
 * numbers as decimal text, dates as YYYY-MM-DD, booleans as true/false, multiselect as a JSON
 * array. Returns undefined and records an error when the value does not fit the definition.
 */
export function canonicalCustomValue(
  def: StoredRow,
  raw: unknown,
  field: string,
  errors: FieldError[],
): string | undefined {
  const fail = (message: string) => {
    errors.push({ field, message });
    return undefined;
  };
  switch (def.type) {
    case "number":
      return typeof raw === "number" && Number.isFinite(raw) ? String(raw) : fail("must be a number");
    case "boolean":
      return typeof raw === "boolean" ? String(raw) : fail("must be true or false");
    case "date":
      return typeof raw === "string" && DATE.test(raw) && !Number.isNaN(Date.parse(raw))
        ? raw
        : fail("must be a date, YYYY-MM-DD");
    case "select":
      return typeof raw === "string" && options(def).includes(raw)
        ? raw
        : fail(`must be one of: ${options(def).join(", ")}`);
    case "multiselect": {
      const allowed = options(def);
      if (!Array.isArray(raw) || !raw.every((v) => typeof v === "string" && allowed.includes(v))) {
        return fail(`must be an array of: ${allowed.join(", ")}`);
      }
      return JSON.stringify(raw);
    }
    case "url":
      if (typeof raw !== "string" || !meetsTextRules(URL_VALUE, raw)) return fail(WEB_URL.rule);
      checkText(field, raw, errors);
      return raw;
    default:
      if (typeof raw !== "string") return fail("must be a string");
      checkText(field, raw, errors);
      return raw;
  }
}

/** The API value of a stored canonical text (inverse of canonicalCustomValue). */
export function apiCustomValue(type: unknown, value: string): unknown {
  if (type === "number") return Number(value);
  if (type === "boolean") return value === "true";
  if (type === "multiselect") {
    try {
      return JSON.parse(value);
    } catch {
      return [value];
    }
  }
  return value;
}

async function setValues(tx: RuleTx, entityType: string, entityId: string, raw: unknown): Promise<void> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw ValidationError.field("custom_fields", "must be an object of field key to value");
  }
  const { accountId } = tx.ctx;
  const defs = (
    await tx.repo.findBy(accountId, "custom_field_definitions", "entity_type", [entityType])
  ).filter((d) => d.entity_type === entityType);
  const byKey = new Map(defs.map((d) => [String(d.key), d]));
  const existing = await tx.repo.findBy(accountId, "custom_field_values", "entity_id", [entityId]);
  const errors: FieldError[] = [];
  const writes: { def: StoredRow; value: string | null }[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const def = byKey.get(key);
    if (!def) {
      errors.push({
        field: `custom_fields.${key}`,
        message: `no custom field "${key}" is defined for ${entityType}`,
      });
      continue;
    }
    if (value === null) writes.push({ def, value: null });
    else {
      const text = canonicalCustomValue(def, value, `custom_fields.${key}`, errors);
      if (text !== undefined) writes.push({ def, value: text });
    }
  }
  if (errors.length) throw new ValidationError(errors);
  for (const { def, value } of writes) {
    const current = existing.find((v) => v.definition_id === def.id);
    if (value === null) {
      if (current) await tx.cascade("custom_field_values", [String(current.id)]);
    } else if (current) {
      if (current.value !== value) {
        await tx.repo.update(accountId, "custom_field_values", String(current.id), {
          value,
          updated_at: tx.now,
        });
      }
    } else {
      // An upsert: a value created meanwhile (POST /custom-field-values) is overwritten, as a set.
      await tx.repo.upsert(
        "custom_field_values",
        ["definition_id", "entity_id"],
        {
          id: tx.newId(),
          account_id: accountId,
          definition_id: def.id,
          entity_type: entityType,
          entity_id: entityId,
          value,
          created_at: tx.now,
          updated_at: tx.now,
        },
        { value, updated_at: tx.now },
      );
    }
  }
}

/** `custom_fields: { key: value }` on an entity type that has custom field definitions. */
export function customFieldsRule(entityType: string): EntityRule {
  return {
    extras: ["custom_fields"],
    async afterCreate(tx, row, extras) {
      if (extras.custom_fields !== undefined)
        await setValues(tx, entityType, String(row.id), extras.custom_fields);
    },
    async afterUpdate(tx, _before, after, extras) {
      if (extras.custom_fields !== undefined)
        await setValues(tx, entityType, String(after.id), extras.custom_fields);
    },
    async present(read, rows) {
      const values = await read.repo.findBy(
        read.accountId,
        "custom_field_values",
        "entity_id",
        rows.map((r) => r.id),
      );
      const defs = await read.repo.findBy(read.accountId, "custom_field_definitions", "id", [
        ...new Set(values.map((v) => v.definition_id)),
      ]);
      const byId = new Map(defs.map((d) => [d.id, d]));
      for (const row of rows) {
        const fields: Record<string, unknown> = {};
        for (const v of values) {
          const def = byId.get(v.definition_id);
          if (v.entity_id === row.id && def)
            fields[String(def.key)] = apiCustomValue(def.type, String(v.value));
        }
        row.custom_fields = fields;
      }
    },
  };
}

/** Direct writes to `/custom-field-values`: the value must fit its definition and entity type. */
export const customFieldValueRule: EntityRule = {
  async validate(tx, values, before) {
    const merged = { ...before, ...values };
    const def = await tx.repo.get(tx.ctx.accountId, "custom_field_definitions", String(merged.definition_id));
    if (!def) return; // the reference check names definition_id
    const errors: FieldError[] = [];
    if (def.entity_type !== merged.entity_type) {
      errors.push({
        field: "entity_type",
        message: `must be ${def.entity_type}, the definition's entity type`,
      });
    }
    let raw: unknown = merged.value;
    if (def.type === "number") raw = Number(raw);
    else if (def.type === "boolean") raw = raw === "true" ? true : raw === "false" ? false : raw;
    else if (def.type === "multiselect") {
      try {
        raw = JSON.parse(String(raw));
      } catch {
        raw = undefined;
      }
    }
    canonicalCustomValue(def, raw, "value", errors);
    if (errors.length) throw new ValidationError(errors);
  },
};

/** Definitions of select / multiselect fields need their options. */
export const customFieldDefinitionRule: EntityRule = {
  async validate(_tx, values, before) {
    const merged = { ...before, ...values };
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(String(merged.key))) {
      throw ValidationError.field("key", "must be snake_case: a-z, 0-9 and _, starting with a letter");
    }
    if (merged.type !== "select" && merged.type !== "multiselect") return;
    let opts: unknown;
    try {
      opts = JSON.parse(String(merged.options ?? "null"));
    } catch {
      opts = null;
    }
    if (!Array.isArray(opts) || opts.length === 0 || !opts.every((o) => typeof o === "string")) {
      throw ValidationError.field("options", "a select field needs a non-empty array of strings");
    }
  },
};
