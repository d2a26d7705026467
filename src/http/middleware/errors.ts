import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { isDatabaseBusy } from "../../db/dialect.js";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "../../domain/errors.js";
import { describeFields, HttpProblem, kindForStatus, type Problem, problem } from "../problem.js";
import type { App } from "../types.js";
import { pointerToField } from "../validation/validator-compiler.js";

/** Longest request path repeated as a problem's `instance` (ids are 36 characters). */
const MAX_INSTANCE_LENGTH = 512;

/**
 * Seconds a client is asked to wait after a busy database (503). The request already waited for
 * the lock as long as the database allows (SQLite's busy timeout, PostgreSQL's lock timeout) and
 * writers hold it for short transactions only, so a second is enough to find it free.
 */
export const BUSY_RETRY_AFTER_SECONDS = 1;

/** Headers a failed response must not carry over from a half-built success (downloads). */
const SUCCESS_ONLY_HEADERS = [
  "content-disposition",
  "content-range",
  "etag",
  "accept-ranges",
  "content-length",
];

/**
 * Every error becomes an RFC 9457 `application/problem+json` answer with a stable `type`.
 * Headers set earlier (rate limit, request id, security) are kept: RFC 6585 clients read the
 * rate-limit headers on errors too. A 5xx never shows the error's message or stack.
 */
export function registerErrorHandling(
  app: App,
  opts: {
    /** Answers an unknown page a browser asked for (outside `/api/`) with HTML instead. */
    htmlNotFound?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply;
  } = {},
): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const { body, headers } = toProblem(err);
    if (isDatabaseBusy(err)) request.log.warn({ err }, "request refused: the database is busy");
    else if (body.status >= 500) request.log.error({ err }, "request failed");
    else request.log.info({ status: body.status, type: body.type }, "request rejected");
    sendProblem(request, reply, body, headers);
  });

  app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    const browser = (request.headers.accept ?? "").includes("text/html") && !path.startsWith("/api/");
    if (browser && opts.htmlNotFound) return opts.htmlNotFound(request, reply);
    sendProblem(request, reply, problem("not-found", `No route matches ${request.method} and this path.`));
  });
}

/** Sends a problem document; `instance` and `request_id` tie it to this request in the logs. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  body: Problem,
  headers: Record<string, string> = {},
): FastifyReply {
  for (const h of SUCCESS_ONLY_HEADERS) reply.removeHeader(h);
  if (body.status === 401) reply.header("www-authenticate", 'Bearer realm="hirevault"');
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  // The path names the occurrence (RFC 9457 `instance`); a very long one is not repeated back.
  const path = request.url.split("?")[0] ?? "";
  const instance = path.length <= MAX_INSTANCE_LENGTH ? path : undefined;
  return reply
    .code(body.status)
    .type("application/problem+json; charset=utf-8")
    .send({ ...body, ...(instance ? { instance } : {}), request_id: request.id });
}

/** Maps any thrown value to a problem document (and extra headers). */
export function toProblem(err: unknown): { body: Problem; headers?: Record<string, string> } {
  if (err instanceof HttpProblem) {
    const body = problem(err.kind, err.detail, err.opts.errors ? { errors: err.opts.errors } : {});
    return {
      body: { ...body, status: err.status },
      ...(err.opts.headers ? { headers: err.opts.headers } : {}),
    };
  }
  if (err instanceof ValidationError) {
    return { body: problem("validation-error", describeFields(err.errors), { errors: err.errors }) };
  }
  if (err instanceof NotFoundError) return { body: problem("not-found", `The ${err.entity} was not found.`) };
  if (err instanceof ConflictError) {
    const errors = err.field ? { errors: [{ field: err.field, message: err.message }] } : {};
    return { body: problem("conflict", err.message, errors) };
  }
  if (err instanceof ForbiddenError) {
    const errors = err.field ? { errors: [{ field: err.field, message: err.message }] } : {};
    return { body: problem("forbidden", err.message, errors) };
  }
  if (err instanceof PayloadTooLargeError) return { body: problem("payload-too-large", err.message) };
  if (isDatabaseBusy(err)) {
    return {
      body: problem(
        "service-unavailable",
        `The database is busy with another write; nothing was changed. Retry in ${BUSY_RETRY_AFTER_SECONDS} s.`,
      ),
      headers: { "retry-after": String(BUSY_RETRY_AFTER_SECONDS) },
    };
  }
  if (err instanceof UnsupportedMediaTypeError)
    return { body: problem("unsupported-media-type", err.message) };
  const e = err as Partial<FastifyError> & { validation?: unknown[]; validationContext?: string };
  if (Array.isArray(e.validation)) return { body: validationProblem(e.validation, e.validationContext) };
  return { body: fastifyProblem(e) };
}

/** Schema failures: a bad body is 422 (well-formed but invalid), bad query or path 400. */
function validationProblem(items: unknown[], context: string | undefined): Problem {
  const errors: FieldError[] = items.map((raw) => {
    const v = raw as {
      field?: string;
      message?: string;
      instancePath?: string;
      params?: Record<string, string>;
    };
    const missing = v.params?.missingProperty ?? v.params?.additionalProperty;
    const path = (v.instancePath ?? "") + (missing ? `/${missing}` : "");
    return { field: v.field ?? (pointerToField(path) || "(root)"), message: v.message ?? "is invalid" };
  });
  const where = context === "body" ? "" : context === "params" ? " (path)" : " (query)";
  const kind = context === "body" ? "validation-error" : "bad-request";
  return problem(kind, describeFields(errors).replace("Invalid input", `Invalid input${where}`), { errors });
}

/** Errors raised by Fastify and its plugins carry a status code; their messages are safe. */
function fastifyProblem(e: Partial<FastifyError>): Problem {
  const status = typeof e.statusCode === "number" ? e.statusCode : 500;
  if (status >= 500) return problem("internal-error", "An unexpected error occurred; it has been logged.");
  switch (e.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return problem("bad-request", `The body is not valid JSON: ${e.message}`);
    case "FST_INVALID_MULTIPART_CONTENT_TYPE":
      return problem("unsupported-media-type", "Send the file as multipart/form-data.");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return problem("unsupported-media-type", "Send JSON (Content-Type: application/json).");
    case "FST_REQ_FILE_TOO_LARGE":
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return problem("payload-too-large", "The request body is larger than allowed.");
  }
  // A SyntaxError with status 400 is the JSON parser's verdict on a malformed body.
  if (status === 400 && e.name === "SyntaxError")
    return problem("bad-request", `The body is not valid JSON: ${e.message}`);
  const kind = kindForStatus(status);
  return { ...problem(kind, e.message || "The request cannot be processed."), status };
}
