import rateLimit from "@fastify/rate-limit";
import { DEFAULTS } from "../../config/defaults.js";
import { HttpProblem } from "../problem.js";
import type { App } from "../types.js";

/**
 * Fixed-window rate limit per API token (by token id: one bucket per token, however it is
 * spelled) or per client IP without a valid token. The limiter runs after the token is
 * resolved (`onRequest` of middleware/auth.ts), so a flood of bad tokens shares its IP's bucket.
 * `x-ratelimit-limit/remaining/reset` go on every response, errors included; a 429 is a problem
 * document with `retry-after` (RFC 6585 §4, RFC 9110 §10.2.3). Counters live in process memory:
 * several API processes each allow `max` (documented).
 */
export async function registerRateLimit(app: App, max: number): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max,
    timeWindow: DEFAULTS.rateLimitWindowMs,
    hook: "onRequest",
    keyGenerator: (request) => (request.auth ? `token:${request.auth.tokenId}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(
        "rate-limited",
        `Rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}.`,
        {
          status: context.statusCode,
        },
      ),
  });
}
