import type { FastifyRequest } from "fastify";
import { ROLES } from "../../db/schema/index.js";
import { NotFoundError, ValidationError } from "../../domain/errors.js";
import { hasRole, type Role } from "../../domain/roles.js";
import type { App } from "../../http/types.js";
import { page } from "../layout.js";
import {
  type ApiTokensPageOptions,
  apiTokensPage,
  DEFAULT_EXPIRY,
  EXPIRY_CHOICES,
  type TokenField,
  type TokenFormState,
  type TokenListItem,
} from "../pages/api-tokens.page.js";
import { redirectDone, sendPage } from "../respond.js";
import { sessionOf, webContextOf } from "../web-context.js";
import { sendErrorPage } from "../web-errors.js";
import type { FormBody, WebDeps } from "../web-types.js";

const PATH = "/settings/api-tokens";
const MAX_NAME = 200;

/** A blank create form: the least privileged role, the default expiry. */
const BLANK_FORM: TokenFormState = { name: "", role: "viewer", expires: DEFAULT_EXPIRY, errors: {} };

/**
 * Settings › API tokens: list, create (the clear token is on the 201 response only) and revoke.
 * Same rules as the API (`http/routes/api-tokens.routes.ts`): owners and admins only, and no
 * privilege escalation — a token's role is at most the creator's own, and it acts for them.
 */
export function registerApiTokenPages(app: App, deps: WebDeps): void {
  const render = async (request: FastifyRequest, extra: Partial<ApiTokensPageOptions>) => {
    const s = sessionOf(request);
    const body = apiTokensPage({
      csrf: s.csrfToken,
      timeZone: s.timeZone,
      roles: ROLES.filter((r) => hasRole(s.role, r)),
      tokens: await listTokens(deps, s.accountId),
      form: BLANK_FORM,
      ...extra,
    });
    return page({ title: "API tokens", session: s, active: "tokens", body });
  };

  app.get(PATH, { config: { web: "admin" } }, async (request, reply) => {
    const done = (request.query as Record<string, string | undefined>).done;
    return sendPage(reply, await render(request, { done }));
  });

  app.post(PATH, { config: { web: "admin" } }, async (request, reply) => {
    const s = sessionOf(request);
    const input = readForm((request.body ?? {}) as FormBody, s.role);
    if (!input.ok) {
      reply.code(input.escalation ? 403 : 422);
      return sendPage(reply, await render(request, { form: input.form }));
    }
    const days = EXPIRY_CHOICES.find((c) => c.key === input.form.expires)!.days;
    const expiresAt = deps.tokens.expiryAfterDays(days);
    let created: { token: string };
    try {
      created = await deps.tokens.create(
        s.accountId,
        { name: input.form.name, role: input.form.role, userId: s.userId, expiresAt },
        webContextOf(request),
      );
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const errors: TokenFormState["errors"] = {};
      for (const e of err.errors) errors[fieldOf(e.field)] ??= e.message;
      reply.code(422);
      return sendPage(reply, await render(request, { form: { ...input.form, errors } }));
    }
    reply.code(201);
    return sendPage(
      reply,
      await render(request, { created: { name: input.form.name, token: created.token } }),
    );
  });

  app.post(`${PATH}/:id/revoke`, { config: { web: "admin" } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const ctx = webContextOf(request);
    try {
      await deps.tokens.revoke(ctx.accountId, id, ctx);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      // Another account's token is as unknown as a made-up id: no existence leak.
      return sendErrorPage(request, reply, 404, "Token not found", "There is no such token in this account.");
    }
    return redirectDone(reply, PATH, "revoked");
  });
}

type FormResult =
  | { ok: true; form: TokenFormState }
  | { ok: false; escalation: boolean; form: TokenFormState };

/** Checks the create form; refusals keep what was typed so the user can fix it. */
function readForm(body: FormBody, myRole: Role): FormResult {
  const errors: TokenFormState["errors"] = {};
  const name = (body.name ?? "").trim();
  if (!name) errors.name = "enter a name, e.g. the program that will use the token";
  else if (name.length > MAX_NAME) errors.name = `use at most ${MAX_NAME} characters`;

  const asked = (ROLES as readonly string[]).includes(body.role ?? "") ? (body.role as Role) : null;
  let escalation = false;
  if (!asked) errors.role = "choose one of the listed roles";
  else if (!hasRole(myRole, asked)) {
    escalation = true;
    errors.role = `${/^[aeiou]/.test(myRole) ? "an" : "a"} ${myRole} cannot create a token with the ${asked} role`;
  }
  const expires = EXPIRY_CHOICES.find((c) => c.key === body.expires)?.key;
  if (!expires) errors.expires = "choose one of the listed lengths";

  const form: TokenFormState = {
    name: name.slice(0, MAX_NAME * 2),
    role: asked && !escalation ? asked : BLANK_FORM.role,
    expires: expires ?? DEFAULT_EXPIRY,
    errors,
  };
  return Object.keys(errors).length ? { ok: false, escalation, form } : { ok: true, form };
}

/** The form field a service validation error is about. */
function fieldOf(serviceField: string): TokenField {
  if (serviceField === "role") return "role";
  if (serviceField === "expires_at") return "expires";
  return "name";
}

/** The account's tokens as the page lists them, newest first. */
async function listTokens(deps: WebDeps, accountId: string): Promise<TokenListItem[]> {
  const tokens = await deps.tokens.list(accountId);
  return tokens.map((t) => ({
    id: t.id,
    name: t.name,
    role: t.role,
    tokenPrefix: t.token_prefix,
    userName: t.user_name,
    createdAt: t.created_at,
    lastUsedAt: t.last_used_at,
    expiresAt: t.expires_at,
    state: t.state,
  }));
}
