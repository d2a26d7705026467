import { type TSchema, Type } from "@sinclair/typebox";
import type { TableName } from "../../db/schema/index.js";
import { tableSpec } from "../../db/schema/index.js";
import { ColumnText, Nullable, StringEnum, Text } from "../validation/formats.js";

const LINK_KINDS = tableSpec("person_links").columns.kind?.values ?? [];
const LINK_URL = tableSpec("person_links").columns.url!;

/** Keys of nested items, plus anything the service adds (ids): documented, not restricted. */
function outputItem(props: Record<string, TSchema>): TSchema {
  return Type.Object(props, { additionalProperties: true });
}

const str = { type: "string" } as const;
const strOrNull = { type: ["string", "null"] } as const;

/** A person's `emails`, `phones` and `links` as sent: each list replaces the stored one. */
export function personInputExtras(): Record<string, TSchema> {
  const item = (props: Record<string, TSchema>) => Type.Object(props, { additionalProperties: false });
  return {
    emails: Type.Array(
      item({
        email: Text({ minLength: 1, maxLength: 320 }),
        label: Type.Optional(Nullable(Text({ maxLength: 100 }))),
        is_primary: Type.Optional(Type.Boolean()),
      }),
      { maxItems: 100, description: "replaces the person's emails" },
    ),
    phones: Type.Array(
      item({
        phone: Text({ minLength: 1, maxLength: 100 }),
        label: Type.Optional(Nullable(Text({ maxLength: 100 }))),
        is_primary: Type.Optional(Type.Boolean()),
      }),
      { maxItems: 100, description: "replaces the person's phones" },
    ),
    links: Type.Array(
      item({
        url: ColumnText(LINK_URL, { minLength: 1, maxLength: 2048 }),
        kind: Type.Optional(StringEnum(LINK_KINDS)),
      }),
      { maxItems: 100, description: "replaces the person's links" },
    ),
  };
}

/** Tag names; the list replaces the entity's tags. */
export function tagsInput(): TSchema {
  return Type.Array(Text({ minLength: 1, maxLength: 200 }), {
    maxItems: 200,
    description: "tag names; replaces the current tags",
  });
}

/** `{ key: value }` by custom field key; `null` clears a value. Types are checked by the service. */
export function customFieldsInput(): TSchema {
  return Type.Record(
    Type.String(),
    Type.Union([Text(), Type.Number(), Type.Boolean(), Type.Null(), Type.Array(Text())]),
    { description: "values by custom field key; null clears one" },
  );
}

/** Response schemas of the extras the service embeds into rows of `table`. */
export function outputExtras(
  table: TableName,
  taggable: boolean,
  customFields: boolean,
): Record<string, TSchema> {
  const extras: Record<string, TSchema> = {};
  if (table === "persons") {
    const label = strOrNull;
    const primary = { type: "boolean" } as const;
    extras.emails = Type.Array(
      outputItem({
        id: Type.Unsafe(str),
        email: Type.Unsafe(str),
        label: Type.Unsafe(label),
        is_primary: Type.Unsafe(primary),
      }),
    );
    extras.phones = Type.Array(
      outputItem({
        id: Type.Unsafe(str),
        phone: Type.Unsafe(str),
        label: Type.Unsafe(label),
        is_primary: Type.Unsafe(primary),
      }),
    );
    extras.links = Type.Array(
      outputItem({ id: Type.Unsafe(str), url: Type.Unsafe(str), kind: Type.Unsafe(str) }),
    );
  }
  if (taggable) extras.tags = Type.Array(Type.Unsafe(str));
  if (customFields) {
    extras.custom_fields = Type.Unsafe({
      type: "object",
      additionalProperties: true,
      description: "values by custom field key",
    });
  }
  return extras;
}
