import crypto from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * Cookies of the web pages. Over HTTPS they carry `Secure` and the `__Host-` prefix (RFC 6265bis
 * §4.1.3.2: host-only, path `/`, never set over plain HTTP); `HttpOnly` so no script reads them.
 * The session cookie is `SameSite=Lax`, so a link from an email opens the signed-in page, while
 * every state change also needs the session's CSRF token. On plain HTTP (the local default
 * `http://127.0.0.1:3000`) a Secure cookie would not be kept by every browser, so it is left off
 * there; behind a TLS-terminating proxy set `TRUST_PROXY`, so its `X-Forwarded-Proto: https` makes
 * the request HTTPS (`PUBLIC_URL` alone does not: it only builds links).
 */
const SESSION = "hv_session";
const LOGIN = "hv_login";

function isHttps(request: FastifyRequest): boolean {
  return request.protocol === "https";
}

function nameOf(request: FastifyRequest, base: string): string {
  return isHttps(request) ? `__Host-${base}` : base;
}

/** Cookies of the request (RFC 6265 §5.4 `cookie-string`); a malformed pair is skipped. */
export function readCookies(request: FastifyRequest): Map<string, string> {
  const out = new Map<string, string>();
  const header = request.headers.cookie;
  if (typeof header !== "string") return out;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 1) continue;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

function serialize(
  request: FastifyRequest,
  name: string,
  value: string,
  maxAgeSeconds: number,
  sameSite: "Lax" | "Strict",
): string {
  const parts = [
    `${nameOf(request, name)}=${value}`,
    "Path=/",
    "HttpOnly",
    `SameSite=${sameSite}`,
    `Max-Age=${maxAgeSeconds}`,
  ];
  if (isHttps(request)) parts.push("Secure");
  return parts.join("; ");
}

/** The session token of the request, from the cookie its scheme allows. */
export function sessionTokenOf(request: FastifyRequest): string | undefined {
  return readCookies(request).get(nameOf(request, SESSION));
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxAgeMs: number,
): void {
  reply.header("set-cookie", serialize(request, SESSION, token, Math.floor(maxAgeMs / 1000), "Lax"));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header("set-cookie", serialize(request, SESSION, "", 0, "Lax"));
}

/**
 * Login CSRF (OWASP CSRF Prevention, "login CSRF"): before there is a session, the sign-in form
 * carries a random value that must equal a `SameSite=Strict` cookie set with the form (the
 * double-submit pattern). Returns the value to embed, reusing the cookie's when it has one.
 */
export function loginCsrfToken(request: FastifyRequest, reply: FastifyReply): string {
  const existing = readCookies(request).get(nameOf(request, LOGIN));
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const value = crypto.randomBytes(32).toString("base64url");
  reply.header("set-cookie", serialize(request, LOGIN, value, 60 * 60, "Strict"));
  return value;
}

/** Whether the sign-in form's `_csrf` equals its cookie. */
export function loginCsrfValid(request: FastifyRequest, submitted: unknown): boolean {
  return sameSecret(readCookies(request).get(nameOf(request, LOGIN)), submitted);
}

/** Constant-time comparison of two secrets (lengths compared first: timingSafeEqual throws). */
export function sameSecret(expected: string | undefined, submitted: unknown): boolean {
  if (!expected || typeof submitted !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
