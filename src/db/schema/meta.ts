import { base, bigint, boolean, integer, json, oneOf, ref, stamps, text, timestamp } from "./columns.js";
import { ATTACHMENT_ENTITIES, CUSTOM_FIELD_ENTITIES, TAGGABLE_ENTITIES } from "./entity-types.js";
import type { TableSpec } from "./table-spec.js";

export const CUSTOM_FIELD_TYPES = [
  "text",
  "number",
  "date",
  "boolean",
  "select",
  "multiselect",
  "url",
] as const;

/** Files and meta: attachments, custom fields, tags, audit log, tombstones, housekeeping. */
export const metaTables = {
  attachments: {
    entity: "attachment",
    polymorphic: { typeColumn: "entity_type", idColumn: "entity_id" },
    columns: {
      ...base,
      entity_type: oneOf(ATTACHMENT_ENTITIES),
      entity_id: { type: "id" },
      file_name: text(),
      content_type: text({
        readonly: true,
        description: "sniffed from the bytes, not taken from the client",
      }),
      size_bytes: bigint({ readonly: true }),
      sha256: text({ readonly: true }),
      storage_key: text({ secret: true, readonly: true }),
      internal_cv: boolean({ description: "a CV uploaded by the team for a candidate" }),
      uploaded_by_id: ref("users", "set null", { nullable: true, readonly: true }),
      ...stamps,
    },
    // storage_key: the storage sweep asks which stored files a row names.
    indexes: [["entity_type", "entity_id"], ["storage_key"]],
    export: { folder: "files", file: "attachments" },
    api: { path: "attachments", filters: ["entity_type", "entity_id", "internal_cv"] },
  },
  custom_field_definitions: {
    entity: "custom_field_definition",
    columns: {
      ...base,
      entity_type: oneOf(CUSTOM_FIELD_ENTITIES),
      key: text(),
      label: text(),
      type: oneOf(CUSTOM_FIELD_TYPES),
      options: json({ nullable: true, description: "allowed values of select / multiselect" }),
      position: integer(),
      ...stamps,
    },
    unique: [["account_id", "entity_type", "key"]],
    export: { folder: "reference", file: "custom_field_definitions" },
    api: { path: "custom-field-definitions", write: true, writeRole: "admin", filters: ["entity_type"] },
  },
  custom_field_values: {
    entity: "custom_field_value",
    polymorphic: { typeColumn: "entity_type", idColumn: "entity_id" },
    columns: {
      ...base,
      definition_id: ref("custom_field_definitions", "cascade"),
      entity_type: oneOf(CUSTOM_FIELD_ENTITIES),
      entity_id: { type: "id" },
      value: text({ description: "canonical text: ISO date, decimal number, true/false, JSON array" }),
      ...stamps,
    },
    unique: [["definition_id", "entity_id"]],
    indexes: [["entity_type", "entity_id"]],
    // Filed by the entity they belong to in the snapshot; stored in one table.
    export: { folder: "reference", file: "custom_field_values" },
    api: { path: "custom-field-values", write: true, filters: ["definition_id", "entity_type", "entity_id"] },
  },
  tags: {
    entity: "tag",
    columns: { ...base, name: text(), ...stamps },
    unique: [["account_id", "name"]],
    export: { folder: "reference", file: "tags" },
    api: { path: "tags", write: true },
  },
  taggings: {
    entity: "tagging",
    polymorphic: { typeColumn: "entity_type", idColumn: "entity_id" },
    columns: {
      ...base,
      tag_id: ref("tags", "cascade"),
      entity_type: oneOf(TAGGABLE_ENTITIES),
      entity_id: { type: "id" },
      ...stamps,
    },
    unique: [["tag_id", "entity_type", "entity_id"]],
    indexes: [["entity_type", "entity_id"]],
    export: { folder: "reference", file: "taggings" },
    api: { path: "taggings", filters: ["tag_id", "entity_type", "entity_id"] },
  },
  audit_log: {
    entity: "audit_entry",
    columns: {
      ...base,
      actor_type: oneOf(["user", "api_token", "system"] as const),
      actor_id: { type: "id", nullable: true },
      action: text(),
      entity_type: text({ nullable: true }),
      entity_id: { type: "id", nullable: true },
      at: timestamp(),
      changes: json({ nullable: true, description: "field diff; cleared when the entity is deleted" }),
      ip: text({ nullable: true }),
      ...stamps,
    },
    indexes: [
      ["account_id", "at"],
      ["entity_type", "entity_id"],
    ],
    export: { folder: "reference", file: "audit_log" },
    api: {
      path: "audit-log",
      readRole: "admin",
      filters: ["entity_type", "entity_id", "action", "actor_id"],
    },
  },
  deletions: {
    entity: "deletion",
    columns: {
      ...base,
      entity_type: text(),
      entity_id: { type: "id" },
      deleted_at: timestamp(),
      ...stamps,
    },
    indexes: [["account_id", "deleted_at"]],
    export: { folder: "reference", file: "deletions" },
    api: { path: "deletions" },
    description: "tombstones: entity type, id and time only, never personal data",
  },
  pending_blob_deletions: {
    entity: "pending_blob_deletion",
    columns: {
      ...base,
      storage_key: text({ secret: true }),
      attempts: integer(),
      last_error: text({ nullable: true }),
      held_by: json({
        nullable: true,
        description:
          "export runs ({run, attempt, owner}) running when the file was first looked at after its delete committed: erased once none still runs that attempt; null until then",
      }),
      ...stamps,
    },
    indexes: [["storage_key"]],
    export: {
      excluded: "housekeeping queue of files still to erase from storage; holds storage keys only",
    },
  },
} as const satisfies Record<string, TableSpec>;
