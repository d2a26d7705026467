import { Type } from "@sinclair/typebox";
import { ROLES } from "../../db/schema/index.js";
import { NotFoundError } from "../../domain/errors.js";
import type { AccountRepository } from "../../repositories/account.repository.js";
import type { ApiTokenService } from "../../services/api-token.service.js";
import { authOf } from "../middleware/auth.js";
import { ERROR_RESPONSES } from "../schemas/common.schema.js";
import type { App } from "../types.js";
import { StringEnum } from "../validation/formats.js";

const MeSchema = Type.Object({
  account: Type.Object({ id: Type.String(), name: Type.String(), time_zone: Type.String() }),
  role: StringEnum(ROLES, { description: "the role this token acts with" }),
  token: Type.Object({ id: Type.String(), name: Type.String(), prefix: Type.String() }),
});

/** `GET /api/v1/me`: which account and role a token acts as (handy to check a new token). */
export function registerMeRoutes(
  app: App,
  deps: { accounts: AccountRepository; tokens: ApiTokenService },
): void {
  app.get(
    "/api/v1/me",
    {
      config: { minRole: "viewer" },
      schema: {
        tags: ["me"],
        operationId: "get_me",
        summary: "The account, role and token of the caller",
        response: { 200: MeSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const account = await deps.accounts.findById(auth.accountId);
      if (!account) throw new NotFoundError("account");
      const token = await deps.tokens.get(auth.accountId, auth.tokenId);
      return {
        account: { id: account.id, name: account.name, time_zone: account.time_zone },
        role: auth.role,
        token: { id: token.id, name: token.name, prefix: token.token_prefix },
      };
    },
  );
}
