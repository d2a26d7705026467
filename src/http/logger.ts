import type { FastifyBaseLogger, FastifyRequest, FastifyServerOptions } from "fastify";
import type { Config } from "../config/env.js";
import { isUuid } from "../domain/ids.js";
import { REDACT_PATHS, REDACTED } from "../logger.js";

// Fastify's default request serializer logs no headers at all; the shared paths guard custom
// log calls and serializers (RELIABILITY 2.10: never log a token).
const REDACTION = { paths: REDACT_PATHS, censor: REDACTED };

// Query parameters that carry secrets: our signed links and S3 presigned URLs (X-Amz-Signature).
const SECRET_PARAMS = /^(token|sig|signature|key|x-amz-signature|x-amz-credential|x-amz-security-token)$/i;
// A long opaque path segment (not a UUID) elsewhere is treated as a capability token too.
const OPAQUE_SEGMENT = /^[A-Za-z0-9_.~+=-]{32,}$/;
// Paths whose whole rest is a capability, however short or malformed (a truncated link too).
const CAPABILITY_PREFIXES = ["/downloads/"];

/**
 * The URL as logged: secret query values and token-like path segments replaced, so capability
 * URLs (download links) never reach the logs (W3C Capability URLs §4; RELIABILITY 2.10).
 */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const capability = CAPABILITY_PREFIXES.find((prefix) => path.toLowerCase().startsWith(prefix));
  const safePath = capability
    ? `${capability}${REDACTED}`
    : path
        .split("/")
        .map((s) => (OPAQUE_SEGMENT.test(s) && !isUuid(s.toLowerCase()) ? REDACTED : s))
        .join("/");
  if (q === -1) return safePath;
  const params = url
    .slice(q + 1)
    .split("&")
    .map((pair) => {
      const name = decodeSafe(pair.split("=")[0] ?? "");
      return SECRET_PARAMS.test(name) ? `${name}=[Redacted]` : pair;
    });
  return `${safePath}?${params.join("&")}`;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Request serializer: what Fastify logs by default, with the URL redacted. */
const serializers = {
  req: (req: FastifyRequest) => ({
    method: req.method,
    url: redactUrl(req.url),
    remoteAddress: req.ip,
  }),
};

/** Logger options of the API when the caller does not pass its own pino instance. */
export function loggerOptions(config: Pick<Config, "logLevel">): FastifyServerOptions["logger"] {
  return { level: config.logLevel, redact: REDACTION, serializers };
}

/** A child of a caller's logger with the same redaction, whatever the parent was built with. */
export function redactingChild(logger: FastifyBaseLogger): FastifyBaseLogger {
  return logger.child({}, { redact: REDACTION, serializers });
}
