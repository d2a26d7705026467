import type { FastifyRequest } from "fastify";
import { HttpProblem } from "../http/problem.js";
import type { WebSession } from "../services/web-session.service.js";
import type { WriteContext } from "../services/write-context.js";

/** The signed-in session of a guarded route (the guard has checked it is there). */
export function sessionOf(request: FastifyRequest): WebSession {
  if (!request.webSession) throw new HttpProblem("unauthorized", "Sign in first.");
  return request.webSession;
}

/** The write context of a page request: the session's account and user, the client address. */
export function webContextOf(request: FastifyRequest): WriteContext {
  const s = sessionOf(request);
  return { accountId: s.accountId, actor: { type: "user", id: s.userId, role: s.role }, ip: request.ip };
}
