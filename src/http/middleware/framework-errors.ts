import crypto from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { type Problem, type ProblemKind, problem } from "../problem.js";
import { securityHeaders } from "./security-headers.js";

/**
 * Errors answered before any route or hook runs, in problem+json like every other error and
 * without repeating the request: Fastify's default bodies quote the whole URL (a 5,000-character
 * id, a malformed escape), which ends up in logs, proxies and clients that show error bodies.
 */

const PROBLEM_TYPE = "application/problem+json; charset=utf-8";

/**
 * Fastify's `frameworkErrors` option: the router's refusals of a URL, before `onRequest` — so the
 * security headers are set here — and before the error handler.
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const body = routerProblem(err.code);
  request.log.info({ status: body.status, type: body.type, code: err.code }, "request rejected");
  void reply
    .code(body.status)
    .headers(securityHeaders(request.url, request.id))
    .type(PROBLEM_TYPE)
    .send({ ...body, request_id: request.id });
}

function routerProblem(code: string): Problem {
  switch (code) {
    case "FST_ERR_MAX_PARAM_LENGTH":
      return problem("uri-too-long", "A path parameter is longer than any id of this API.");
    case "FST_ERR_BAD_URL":
      return problem("bad-request", "The URL is malformed (an invalid percent-encoding).");
    default:
      return problem("internal-error", "An unexpected error occurred; it has been logged.");
  }
}

/**
 * Fastify's `clientErrorHandler` option, for requests Node's HTTP parser refuses before Fastify
 * sees them: headers (request line included) over the size limit → 431, a timed-out request →
 * 408, anything unparsable → 400. Written on the socket as a complete response, then closed.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection cannot be answered; a response already under way must not be interleaved.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const kind: ProblemKind =
    err.code === "HPE_HEADER_OVERFLOW"
      ? "header-fields-too-large"
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? "request-timeout"
        : "bad-request";
  const detail =
    kind === "header-fields-too-large"
      ? "The request line and headers are larger than the server accepts (16 KiB)."
      : kind === "request-timeout"
        ? "The request was not received in time."
        : "The request is not valid HTTP.";
  const requestId = crypto.randomUUID();
  const doc = problem(kind, detail);
  const body = JSON.stringify({ ...doc, request_id: requestId });
  const headers: Record<string, string> = {
    "content-type": PROBLEM_TYPE,
    "content-length": String(Buffer.byteLength(body)),
    connection: "close",
    ...securityHeaders("/api/", requestId),
  };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  // Flushed, then closed: the rest of what the client sends is not read.
  socket.end(`HTTP/1.1 ${doc.status} ${STATUS_CODES[doc.status]}\r\n${head}\r\n${body}`, () =>
    socket.destroy(),
  );
}
