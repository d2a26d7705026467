import type { FastifyBaseLogger, FastifyReply, FastifyRequest, FastifyServerOptions } from "fastify";
import pino from "pino";
import type { Config } from "../config/env.js";
import { isUuid } from "../domain/ids.js";
import { REDACT_PATHS, REDACTED } from "../logger.js";

// Fastify's default request serializer logs no headers at all; the shared paths guard custom
// log calls and serializers (docs/EXPORTS.md#links-and-downloads: never log a token).
const REDACTION = { paths: REDACT_PATHS, censor: REDACTED };

// Query parameters that carry secrets: our signed links and S3 presigned URLs (X-Amz-Signature).
const SECRET_PARAMS = /^(token|sig|signature|key|x-amz-signature|x-amz-credential|x-amz-security-token)$/i;
// A long opaque path segment (not a UUID) elsewhere is treated as a capability token too.
const OPAQUE_SEGMENT = /^[A-Za-z0-9_.~+=-]{32,}$/;
// Paths whose whole rest is a capability, however short or malformed (a truncated link too).
const CAPABILITY_PREFIXES = ["/downloads/"];
// `scheme://authority` of an absolute URL (a presigned S3 URL, an app link in a message).
const ORIGIN = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^/?#@]*@)?([^/?#]*)/i;
// SigV4 query-auth secrets wherever they appear in text, plain or percent-encoded (`%3D`): the
// signature and the credential (access key id) of a presigned URL
// (docs/EXPORTS.md#links-and-downloads).
const SIGV4_SECRETS = /(x-amz-(?:signature|credential|security-token))(=|%3D)[^&\s"'<>#]*/gi;

/**
 * The URL as logged: secret query values and token-like path segments replaced, so capability
 * URLs (download links, S3 presigned URLs) never reach the logs (W3C Capability URLs §4;
 * docs/EXPORTS.md#links-and-downloads). An absolute URL keeps its scheme and host (user info is
 * dropped); its path and query are redacted like a request path's.
 */
export function redactUrl(url: string): string {
  const origin = ORIGIN.exec(url);
  if (!origin) return redactPathAndQuery(url);
  const userInfo = origin[0].includes("@") ? `${REDACTED}@` : "";
  return `${origin[1]}${userInfo}${origin[2]}${redactPathAndQuery(url.slice(origin[0].length))}`;
}

/**
 * Replaces the values of `X-Amz-Signature`, `X-Amz-Credential` and `X-Amz-Security-Token`
 * anywhere in free text, e.g. a presigned URL quoted in an error message or stack.
 */
export function redactSigV4(text: string): string {
  return text.replace(SIGV4_SECRETS, `$1$2${REDACTED}`);
}

function redactPathAndQuery(url: string): string {
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

/** An error as pino logs it, with any presigned URL in its message or stack redacted. */
function serializeError(err: Error): pino.SerializedError {
  const out = pino.stdSerializers.err(err);
  return { ...out, message: redactSigV4(out.message), stack: redactSigV4(out.stack) };
}

/**
 * Serializers of the API logger. Requests: what Fastify logs by default, with the URL redacted.
 * Responses: the status only, stated here so a caller's logger with a header-logging `res`
 * serializer (pino's standard one) cannot log a `Location` holding a presigned URL.
 */
const serializers = {
  req: (req: FastifyRequest) => ({
    method: req.method,
    url: redactUrl(req.url),
    remoteAddress: req.ip,
  }),
  res: (reply: Pick<FastifyReply, "statusCode">) => ({ statusCode: reply.statusCode }),
  err: serializeError,
};

/** Logger options of the API when the caller does not pass its own pino instance. */
export function loggerOptions(config: Pick<Config, "logLevel">): FastifyServerOptions["logger"] {
  return { level: config.logLevel, redact: REDACTION, serializers };
}

/** A child of a caller's logger with the same redaction, whatever the parent was built with. */
export function redactingChild(logger: FastifyBaseLogger): FastifyBaseLogger {
  return logger.child({}, { redact: REDACTION, serializers });
}
