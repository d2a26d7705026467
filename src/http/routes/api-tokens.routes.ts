import { type TObject, Type } from "@sinclair/typebox";
import { ROLES } from "../../db/schema/index.js";
import { ForbiddenError } from "../../domain/errors.js";
import { hasRole, type Role } from "../../domain/roles.js";
import type { ApiTokenService } from "../../services/api-token.service.js";
import { writeContextOf } from "../middleware/auth.js";
import { locationOf, presentRow } from "../presenters/row.presenter.js";
import { ERROR_RESPONSES, IdParams } from "../schemas/common.schema.js";
import { rowSchema } from "../schemas/entity.schema.js";
import type { App } from "../types.js";
import { Id, Nullable, StringEnum, Text } from "../validation/formats.js";

const CreateTokenBody = Type.Object(
  {
    name: Text({ minLength: 1, maxLength: 200 }),
    role: StringEnum(ROLES, { description: "at most the caller's own role" }),
    user_id: Type.Optional(Nullable(Id({ description: "the team member the token acts for" }))),
    expires_at: Type.Optional(Nullable(Type.String({ format: "date-time" }))),
  },
  { additionalProperties: false },
);

const CreatedToken = Type.Object(
  {
    token: Type.String({ description: "the secret token; shown only in this response" }),
    ...(rowSchema("api_tokens") as TObject).properties,
  },
  { additionalProperties: false },
);

/**
 * Token management (admins and owners; listing and reading come from the generic routes). The
 * clear token is in the 201 response only; it is never stored, logged or shown again.
 */
export function registerApiTokenRoutes(app: App, tokens: ApiTokenService): void {
  app.post(
    "/api/v1/api-tokens",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["api-tokens"],
        operationId: "create_api_token",
        summary: "Create an API token (the token is returned once)",
        body: CreateTokenBody,
        response: { 201: CreatedToken, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const ctx = writeContextOf(request);
      const body = request.body as {
        name: string;
        role: Role;
        user_id?: string | null;
        expires_at?: string | null;
      };
      // No privilege escalation: an admin cannot mint an owner token.
      if (!hasRole(ctx.actor.role, body.role)) {
        throw new ForbiddenError(`A ${ctx.actor.role} cannot create a token with the ${body.role} role.`);
      }
      const { token, row } = await tokens.create(
        ctx.accountId,
        {
          name: body.name,
          role: body.role,
          userId: body.user_id ?? null,
          expiresAt: body.expires_at ?? null,
        },
        ctx,
      );
      reply.code(201).header("location", locationOf("api-tokens", row.id));
      return { token, ...presentRow("api_tokens", { ...row }) };
    },
  );

  app.delete(
    "/api/v1/api-tokens/:id",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["api-tokens"],
        operationId: "revoke_api_token",
        summary: "Revoke an API token (idempotent)",
        params: IdParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const ctx = writeContextOf(request);
      await tokens.revoke(ctx.accountId, id, ctx);
      return reply.code(204).send(null);
    },
  );
}
