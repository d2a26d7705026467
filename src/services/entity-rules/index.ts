import type { TableName } from "../../db/schema/index.js";
import { CUSTOM_FIELD_ENTITIES, TAGGABLE_ENTITIES, tableSpec } from "../../db/schema/index.js";
import { contactPointsRule } from "./contact-points.js";
import { customFieldDefinitionRule, customFieldsRule, customFieldValueRule } from "./custom-fields.js";
import { applicationRule, jobPipelineRule } from "./pipelines.js";
import type { EntityRule } from "./rule.js";
import { clientContactRule, invoiceRule, simpleDefaults, taskRule } from "./status-stamps.js";
import { tagsRule } from "./tags.js";

const SPECIFIC: Partial<Record<TableName, EntityRule[]>> = {
  persons: [contactPointsRule],
  jobs: [jobPipelineRule],
  applications: [applicationRule],
  invoices: [invoiceRule],
  tasks: [taskRule],
  client_contacts: [clientContactRule],
  custom_field_values: [customFieldValueRule],
  custom_field_definitions: [customFieldDefinitionRule],
};

const cache = new Map<TableName, EntityRule[]>();

/** The rules that apply to a table, in order: specific rules, then tags, then custom fields. */
export function rulesFor(table: TableName): EntityRule[] {
  let rules = cache.get(table);
  if (!rules) {
    const entity = tableSpec(table).entity ?? "";
    rules = [
      ...(simpleDefaults[table] ? [simpleDefaults[table]] : []),
      ...(SPECIFIC[table] ?? []),
      ...((TAGGABLE_ENTITIES as readonly string[]).includes(entity) ? [tagsRule(entity)] : []),
      ...((CUSTOM_FIELD_ENTITIES as readonly string[]).includes(entity) ? [customFieldsRule(entity)] : []),
    ];
    cache.set(table, rules);
  }
  return rules;
}

/** Columns a create may leave out because a rule fills them in. */
export function defaultedColumns(table: TableName): Set<string> {
  return new Set(rulesFor(table).flatMap((r) => r.defaulted ?? []));
}

export type { EntityRule, RuleRead, RuleTx } from "./rule.js";
