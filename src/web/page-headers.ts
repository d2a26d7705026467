import type { FastifyReply } from "fastify";

/** Pages hold signed links and personal data: never cached, never framed, nothing third-party. */
export function setPageHeaders(reply: FastifyReply): void {
  reply.header("cache-control", "no-store");
  reply.header("x-frame-options", "DENY");
  reply.header(
    "content-security-policy",
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
}
