import { Kind, type TSchema } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { type ValueError, ValueErrorType } from "@sinclair/typebox/errors";
import { Value } from "@sinclair/typebox/value";
import type { FastifySchemaCompiler } from "fastify";
import type { FieldError } from "../../domain/errors.js";
import { NO_NUL_PATTERN, RULE_MESSAGE } from "./formats.js";

/** One validation failure as Fastify carries it in `error.validation`, plus the field name. */
export interface FieldValidationError extends FieldError {
  instancePath: string;
}

/** Non-standard keyword on object schemas: catalog columns the client may read but not write. */
export const READ_ONLY_FIELDS = "x-read-only-fields";

/**
 * Fastify validator compiler on the TypeBox compiler (no Ajv): bodies are checked as sent (no
 * type coercion, so `"5"` is not an integer), while query strings and path parameters, which are
 * always text, are converted to the schema's types first. Failures come back one per field, with
 * the field named like `emails[0].email` and a message a client can show.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema);
  const isBody = httpPart === "body";
  return (value: unknown) => {
    const converted = isBody ? value : convertText(schema, value);
    if (check.Check(converted)) return { value: converted };
    return { error: toFieldErrors(check.Errors(converted), isBody) as never };
  };
};

/** Decimal integers as written by people and programs: `50`, `-3`; not `1.5`, `1e1`, `0x10`, ` 5`. */
const INTEGER_TEXT = /^-?[0-9]{1,15}$/;
const NUMBER_TEXT = /^-?[0-9]{1,15}(\.[0-9]{1,15})?$/;

/**
 * Query strings and path parameters are text; numbers among them are converted only when the
 * text is exactly a number (TypeBox's `Value.Convert` would read `limit=1.5` or `limit=1e1` as 1
 * and `true` as 1). Anything else stays text and fails the check, naming the parameter.
 */
function convertText(schema: TSchema, value: unknown): unknown {
  const props = (schema as { properties?: Record<string, TSchema> }).properties;
  if (!props || typeof value !== "object" || value === null) return Value.Convert(schema, value);
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value)) {
    const prop = props[key];
    const type = (prop as { type?: unknown } | undefined)?.type;
    if (typeof raw === "string" && (type === "integer" || type === "number")) {
      out[key] = (type === "integer" ? INTEGER_TEXT : NUMBER_TEXT).test(raw) ? Number(raw) : raw;
    } else out[key] = prop ? Value.Convert(prop, raw) : raw;
  }
  return out;
}

/** Field errors from TypeBox errors: first error per field, fields in document order. */
export function toFieldErrors(errors: Iterable<ValueError>, isBody: boolean): FieldValidationError[] {
  const out = new Map<string, FieldValidationError>();
  for (const e of errors) {
    const field = pointerToField(e.path) || "(root)";
    if (out.has(field)) continue;
    out.set(field, { field, message: messageFor(e, isBody), instancePath: e.path });
    if (out.size >= 50) break; // enough to fix a request; bounds the work on hostile input
  }
  return [...out.values()];
}

/** JSON Pointer (RFC 6901) to the field notation of our problem documents: `/a/0/b` → `a[0].b`. */
export function pointerToField(pointer: string): string {
  let field = "";
  for (const raw of pointer.split("/").slice(1)) {
    const seg = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    field += /^\d+$/.test(seg) ? `[${seg}]` : field === "" ? seg : `.${seg}`;
  }
  return field;
}

function messageFor(e: ValueError, isBody: boolean): string {
  const s = e.schema as Record<string, unknown>;
  // A nullable text field reports "not string or null"; say what is really wrong with it.
  if (typeof e.value === "string" && e.value.includes("\u0000"))
    return "must not contain NUL (U+0000) characters";
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return "is required";
    case ValueErrorType.ObjectAdditionalProperties: {
      const key = e.path.split("/").pop() ?? "";
      const readOnly = (s[READ_ONLY_FIELDS] as string[] | undefined)?.includes(key);
      if (readOnly) return "is read-only";
      return isBody ? "is not a known field" : "is not a known parameter";
    }
    case ValueErrorType.StringPattern:
    case ValueErrorType.StringFormat:
      if (typeof s[RULE_MESSAGE] === "string") return s[RULE_MESSAGE] as string;
      if (e.type === ValueErrorType.StringFormat) return `must be ${describe(e.schema)}`;
      return s.pattern === NO_NUL_PATTERN
        ? "must not contain NUL (U+0000) characters"
        : "has an invalid format";
    case ValueErrorType.StringMinLength:
      return s.minLength === 1 ? "must not be empty" : `must be at least ${s.minLength} characters`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${s.maxLength} characters`;
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${s.maxItems} items`;
    default: // wrong type, out of range, not in the enum, bad format
      return `must be ${describe(e.schema)}`;
  }
}

/** What a schema expects, in words: "an integer from 1 to 200", "one of: a, b or null". */
export function describe(schema: TSchema): string {
  const s = schema as unknown as Record<string | symbol, unknown>;
  if (s[Kind] === "StringEnum") return `one of: ${(s.enum as string[]).join(", ")}`;
  if (Array.isArray(s.anyOf)) return (s.anyOf as TSchema[]).map(describe).join(" or ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  switch (s.type) {
    case "null":
      return "null";
    case "boolean":
      return "true or false";
    case "array":
      return "an array";
    case "object":
      return "an object";
    case "integer":
    case "number":
      return numberWords(s);
    case "string":
      if (s.format === "date-time")
        return "an ISO 8601 date-time with a time zone, e.g. 2026-11-24T09:30:00Z";
      if (s.format === "date") return "a date, YYYY-MM-DD";
      if (s.format === "uuid") return "an id (UUID)";
      return "a string";
    default:
      return "a valid value";
  }
}

function numberWords(s: Record<string | symbol, unknown>): string {
  const noun = s.type === "integer" ? "an integer" : "a number";
  const { minimum: min, maximum: max } = s;
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
  if (min !== undefined) return `${noun} of at least ${min}`;
  if (max !== undefined) return `${noun} of at most ${max}`;
  return noun;
}
