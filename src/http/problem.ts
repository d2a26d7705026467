import type { FieldError } from "../domain/errors.js";

/** Base of the stable `type` URIs of our problem documents (RFC 9457 §3.1.1). */
export const PROBLEM_BASE = "https://hirevault.dev/problems/";

/** Problem kinds, their HTTP status and title. Slugs are part of the API contract: never rename. */
export const PROBLEMS = {
  "bad-request": { status: 400, title: "Bad request" },
  unauthorized: { status: 401, title: "Unauthorized" },
  forbidden: { status: 403, title: "Forbidden" },
  "not-found": { status: 404, title: "Not found" },
  "method-not-allowed": { status: 405, title: "Method not allowed" },
  "request-timeout": { status: 408, title: "Request timeout" },
  conflict: { status: 409, title: "Conflict" },
  "payload-too-large": { status: 413, title: "Payload too large" },
  "uri-too-long": { status: 414, title: "URI too long" },
  "unsupported-media-type": { status: 415, title: "Unsupported media type" },
  "range-not-satisfiable": { status: 416, title: "Range not satisfiable" },
  "validation-error": { status: 422, title: "Validation failed" },
  "rate-limited": { status: 429, title: "Too many requests" },
  "header-fields-too-large": { status: 431, title: "Request header fields too large" },
  "internal-error": { status: 500, title: "Internal server error" },
  "service-unavailable": { status: 503, title: "Service unavailable" },
} as const;

export type ProblemKind = keyof typeof PROBLEMS;

/** An RFC 9457 problem document, with our `errors` extension naming each bad field. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  request_id?: string;
  errors?: FieldError[];
}

/** The problem kind used for a bare HTTP status (errors thrown by Fastify or its plugins). */
export function kindForStatus(status: number): ProblemKind {
  for (const [kind, p] of Object.entries(PROBLEMS)) if (p.status === status) return kind as ProblemKind;
  return status >= 500 ? "internal-error" : "bad-request";
}

/**
 * An error that already knows its HTTP answer. Routes throw it for HTTP-only conditions
 * (bad query parameters, 416, 401); domain errors are mapped in `middleware/errors.ts`.
 */
export class HttpProblem extends Error {
  override name = "HttpProblem";
  readonly status: number;
  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly opts: { errors?: FieldError[]; headers?: Record<string, string>; status?: number } = {},
  ) {
    super(detail);
    this.status = opts.status ?? PROBLEMS[kind].status;
  }

  /** 400 naming query or path parameters. */
  static badRequest(errors: FieldError[], detail = describeFields(errors)): HttpProblem {
    return new HttpProblem("bad-request", detail, { errors });
  }
}

/** One readable sentence from field errors, for `detail`. */
export function describeFields(errors: FieldError[]): string {
  if (errors.length === 0) return "The request is invalid.";
  const list = errors.slice(0, 5).map((e) => `${e.field} ${e.message}`);
  const more = errors.length > 5 ? ` (and ${errors.length - 5} more)` : "";
  return `Invalid input: ${list.join("; ")}${more}.`;
}

/** Builds the problem document of a kind. */
export function problem(kind: ProblemKind, detail: string, extra: Partial<Problem> = {}): Problem {
  const { status, title } = PROBLEMS[kind];
  return { type: PROBLEM_BASE + kind, title, status, detail, ...extra };
}
