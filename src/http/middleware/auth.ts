import type { FastifyRequest } from "fastify";
import { hasRole } from "../../domain/roles.js";
import type { ApiTokenService } from "../../services/api-token.service.js";
import type { WriteContext } from "../../services/write-context.js";
import { HttpProblem } from "../problem.js";
import type { App, AuthContext } from "../types.js";

// RFC 6750 §2.1: `Bearer` then the token; the scheme is case-insensitive (RFC 9110 §11.1).
const BEARER = /^Bearer +([^\s]+) *$/i;

/**
 * Bearer-token authentication in two steps, so the rate limiter can key on the token:
 * 1. `onRequest` (before the limiter): resolve the token, if any, into `request.auth`;
 * 2. `preParsing` (after the limiter, before the body is read or validated): refuse with 401
 *    when the route needs a token, 403 when the role is too low. Routes under `/api/` need one
 *    unless they set `config.public`; other routes only when they set `config.minRole`.
 * Tenant isolation is not decided here: routes pass `request.auth.accountId` to every service
 * call, so another account's id is simply not found (404, never 403: no existence leak).
 */
export function registerAuth(app: App, tokens: ApiTokenService): void {
  app.decorateRequest("auth", null);
  app.decorateRequest("authFailure", null);

  app.addHook("onRequest", async (request) => {
    const header = request.headers.authorization;
    if (header === undefined) {
      request.authFailure = "missing";
      return;
    }
    const match = BEARER.exec(header);
    const verified = match ? await tokens.verify(match[1]!) : null;
    if (!verified) {
      request.authFailure = "invalid";
      return;
    }
    const actor: AuthContext["actor"] = verified.userId
      ? { type: "user", id: verified.userId, role: verified.role }
      : { type: "api_token", id: verified.tokenId, role: verified.role };
    request.auth = { ...verified, actor };
  });

  app.addHook("preParsing", async (request) => {
    const config = request.routeOptions.config;
    if (config.public || request.is404) return;
    // Pages outside the API (the web admin) bring their own session auth unless they ask for a role.
    const isApi = (request.routeOptions.url ?? "").startsWith("/api/");
    if (!isApi && config.minRole === undefined) return;
    if (!request.auth) {
      const detail =
        request.authFailure === "invalid"
          ? "The API token is invalid, expired or revoked."
          : "Send an API token: Authorization: Bearer hv_…";
      const error = request.authFailure === "invalid" ? ', error="invalid_token"' : "";
      throw new HttpProblem("unauthorized", detail, {
        headers: { "www-authenticate": `Bearer realm="hirevault"${error}` },
      });
    }
    const required = config.minRole ?? "owner"; // an API route that forgot to say is closed, not open
    if (!hasRole(request.auth.role, required)) {
      throw new HttpProblem(
        "forbidden",
        `This needs the ${required} role or higher; the token has ${request.auth.role}.`,
      );
    }
  });
}

/** The caller of an authenticated route (the preParsing hook guarantees it is set). */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new HttpProblem("unauthorized", "Send an API token: Authorization: Bearer hv_…");
  return request.auth;
}

/** The write context of a request: tenant, actor (never the token itself) and client address. */
export function writeContextOf(request: FastifyRequest): WriteContext {
  const auth = authOf(request);
  return { accountId: auth.accountId, actor: auth.actor, ip: request.ip };
}
