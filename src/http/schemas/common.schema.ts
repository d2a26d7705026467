import { type TSchema, Type } from "@sinclair/typebox";
import { Id } from "../validation/formats.js";

/** `:id` path parameter; anything but a UUID is a 400 naming `id`. */
export const IdParams = Type.Object({ id: Id() }, { additionalProperties: false });

/** RFC 9457 problem document, as every error of the API answers (`application/problem+json`). */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ format: "uri", description: "stable identifier of the problem kind" }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    request_id: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String({ description: "e.g. `first_name`, `emails[0].email`, `cursor`" }),
          message: Type.String(),
        }),
      ),
    ),
  },
  { title: "Problem" },
);

/** Error responses documented on every route. */
export const ERROR_RESPONSES = {
  "4xx": ProblemSchema,
  "5xx": ProblemSchema,
} as const;

/** `{ data: [...], next_cursor }`: one page of a cursor-paginated list. */
export function PageSchema(row: TSchema): TSchema {
  return Type.Object({
    data: Type.Array(row),
    next_cursor: Type.Unsafe<string | null>({
      type: ["string", "null"],
      description: "pass as `cursor` for the next page; null on the last page",
    }),
  });
}
