import type { FastifyReply, FastifyRequest } from "fastify";
import { canExport } from "../domain/roles.js";
import type { WebSessionService } from "../services/web-session.service.js";
import { setPageHeaders } from "./page-headers.js";
import { sameSecret, sessionTokenOf } from "./session-cookie.js";
import { sendErrorPage, sendRefusal } from "./web-errors.js";
import type { FormBody } from "./web-types.js";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Where to go after signing in: a path of this site only (no `//host`, no scheme: no open
 * redirect), in printable ASCII, as browsers send paths (percent-encoded). Anything else would
 * not even fit a `Location` header: Node refuses control and non-Latin-1 characters there, which
 * turned `?next=/日本` into a 500 after a successful sign-in.
 */
export function safeNext(value: unknown): string {
  if (typeof value !== "string" || value.length > 500) return "/";
  return /^\/(?![/\\])[!-[\]-~]*$/.test(value) ? value : "/";
}

/** `onRequest` of the web scope: headers of every page, and the session from the cookie. */
export function webRequestHook(sessions: WebSessionService) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    setPageHeaders(reply);
    const token = sessionTokenOf(request);
    request.webSession = token ? await sessions.resolve(token) : null;
  };
}

/**
 * `preHandler` of the web scope (after the body is parsed), in this order:
 * 1. a state-changing request from another site is refused: `Sec-Fetch-Site` must be
 *    `same-origin` (or `none`, typed by the user) and `Origin`, when sent, must be ours (OWASP
 *    CSRF Prevention, "Verifying origin with standard headers" and "Fetch Metadata");
 * 2. a page that needs a session sends the signed-out to the sign-in page (or 401 for JSON);
 * 3. an owners-and-admins page refuses other roles with a page that says why (403);
 * 4. a state-changing request must carry the session's CSRF token in `_csrf` (synchronizer token).
 */
export async function webGuard(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const access = request.routeOptions.config.web ?? "admin"; // a route that forgot to say is closed
  const unsafe = UNSAFE.has(request.method);
  if (unsafe && !sameOrigin(request)) {
    return sendErrorPage(
      request,
      reply,
      403,
      "Request refused",
      "This form was sent from another site. Open Hirevault and try again.",
    );
  }
  if (access === "public") return;
  const session = request.webSession;
  if (!session) {
    if (wantsJson(request)) return reply.code(401).send({ error: "signed out" });
    const next = request.method === "GET" ? request.url : "/";
    return reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
  }
  if (access === "admin" && !canExport(session.role)) {
    if (wantsJson(request)) return reply.code(403).send({ error: "owners and admins only" });
    return sendRefusal(request, reply);
  }
  if (unsafe && !sameSecret(session.csrfToken, (request.body as FormBody | undefined)?._csrf)) {
    return sendErrorPage(
      request,
      reply,
      403,
      "This form has expired",
      "The page was open too long or came from somewhere else. Reload the page and try again.",
    );
  }
}

/**
 * Fetch Metadata first: every current browser sends `Sec-Fetch-Site`, and it cannot be set by a
 * page. Without it (an old browser), an `Origin` must be ours. Pages send no Referer
 * (`Referrer-Policy: no-referrer`), which makes browsers send `Origin: null` on form posts, so a
 * `null` origin proves nothing either way; the CSRF token still has to match.
 */
function sameOrigin(request: FastifyRequest): boolean {
  const site = request.headers["sec-fetch-site"];
  if (typeof site === "string") return site === "same-origin" || site === "none";
  const origin = request.headers.origin;
  if (typeof origin !== "string" || origin === "" || origin === "null") return true;
  return origin === `${request.protocol}://${request.host}`;
}

function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
}
