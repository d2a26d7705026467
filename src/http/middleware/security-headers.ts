import crypto from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { App } from "../types.js";

// A caller's request id is echoed only when it is short and plain: it ends up in logs and headers.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify `genReqId`: the client's `X-Request-Id` when safe, else a fresh UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && SAFE_REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

/**
 * Headers on every response, errors included (set in `onRequest`, before anything can fail):
 * - `X-Request-Id`, to find the request in the logs;
 * - `X-Content-Type-Options: nosniff`, so a browser never runs a JSON or file body as HTML/JS;
 * - `Referrer-Policy: no-referrer` (W3C Referrer Policy; docs/EXPORTS.md#links-and-downloads);
 * - on `/api/`: `Cache-Control: no-store` (responses hold personal data) and a CSP that forbids
 *   everything, as the OWASP REST Security Cheat Sheet recommends for JSON APIs.
 */
export function registerSecurityHeaders(app: App): void {
  app.addHook("onRequest", async (request, reply) => {
    reply.headers(securityHeaders(request.url, request.id));
  });
}

/** The headers above for a request (also sent on errors answered before any hook runs). */
export function securityHeaders(url: string, requestId: string): Record<string, string> {
  return {
    "x-request-id": requestId,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    ...(url.startsWith("/api/")
      ? {
          "cache-control": "no-store",
          "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
        }
      : {}),
  };
}
