import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { isDatabaseBusy } from "../db/dialect.js";
import { toProblem } from "../http/middleware/errors.js";
import { html } from "./html.js";
import { page } from "./layout.js";
import { setPageHeaders } from "./page-headers.js";

/**
 * A web page error as HTML: status, a title and a sentence a team member can act on. A 5xx never
 * shows the error itself (it is logged with the request id, which the page shows).
 */
export function sendErrorPage(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  title: string,
  detail: string,
): FastifyReply {
  for (const h of ["content-disposition", "content-range", "content-length", "etag"]) reply.removeHeader(h);
  setPageHeaders(reply); // also outside the web scope (the 404 of an unknown page)
  const body = html`<section class="card">
<h1>${title}</h1>
<p>${detail}</p>
<p class="muted">Request id: <code>${request.id}</code></p>
<p><a href="/">Back to Hirevault</a></p>
</section>`;
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .send(page({ title, session: request.webSession, body }));
}

/** The error handler of the web scope: the same mapping as the API, rendered as a page. */
export function webErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { body, headers } = toProblem(err);
  // A busy database asks the browser to come back, as the API does.
  if (headers?.["retry-after"]) reply.header("retry-after", headers["retry-after"]);
  if (isDatabaseBusy(err)) request.log.warn({ err }, "web request refused: the database is busy");
  else if (body.status >= 500) request.log.error({ err }, "web request failed");
  else request.log.info({ status: body.status, type: body.type }, "web request rejected");
  void sendErrorPage(request, reply, body.status, body.title, body.detail);
}

/**
 * The refusal of a settings page to a recruiter or viewer (docs/EXPORTS.md#links-and-downloads:
 * owners and admins only).
 */
export function sendRefusal(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const role = request.webSession?.role ?? "none";
  return sendErrorPage(
    request,
    reply,
    403,
    "Owners and admins only",
    `Data exports, backups, API tokens and the audit log are for owners and admins of the account. You are signed in as a ${role}; ask an owner or admin if you need an export.`,
  );
}

/** An unknown page, for a browser (the API keeps its problem document). */
export function sendNotFoundPage(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendErrorPage(request, reply, 404, "Page not found", "There is no page at this address.");
}
