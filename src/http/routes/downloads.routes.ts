import type { FastifyReply, FastifyRequest } from "fastify";
import type { DownloadMode } from "../../config/env.js";
import { NotFoundError } from "../../domain/errors.js";
import {
  DownloadDeniedError,
  type DownloadLinkService,
  type ResolvedDownload,
} from "../../services/download-link.service.js";
import type { BlobStore } from "../../storage/blob-store.js";
import { redactUrl } from "../logger.js";
import { toProblem } from "../middleware/errors.js";
import { PROBLEM_BASE, type Problem, problem } from "../problem.js";
import type { App } from "../types.js";
import { sendStoredFile } from "./attachment-content.js";
import { type PresignGet, sendPresignedRedirect } from "./download-redirect.js";

/** What the download route uses. */
export interface DownloadRouteDeps {
  links: DownloadLinkService;
  blobs: BlobStore;
  /**
   * `HIREVAULT_DOWNLOADS`: `redirect` (default) answers with a short presigned URL when the
   * store can sign one (S3); `stream`, or a store that cannot (local), sends the bytes.
   */
  mode?: DownloadMode;
}

/** Headers a refusal must not carry over from a half-built file response. */
const FILE_HEADERS = ["content-disposition", "content-range", "etag", "accept-ranges", "content-length"];

/**
 * `GET` / `HEAD /downloads/<token>`: the file of an export, for whoever holds a signed link
 * (docs/EXPORTS.md#links-and-downloads). The token is the credential, so the route is public; every
 * request re-checks the link in the database. Ranges and resume come from `sendStoredFile` (RFC
 * 9110 §14). Nothing burns the link: a mail scanner's HEAD or GET leaves it usable
 * (docs/EXPORTS.md#links-and-downloads), and a HEAD is not audited as a download. The token is
 * never logged, audited or echoed (docs/EXPORTS.md#links-and-downloads). With S3 storage in
 * `redirect` mode the file comes from S3 instead: a `302` to a presigned URL that lives at most 5
 * minutes, sent only after the same checks (see `sendPresignedRedirect`).
 *
 * The path is a wildcard, not `:token`: a token (140 characters) is longer than the router's
 * 100-character limit for a parameter, and anything after `/downloads/` must answer 404, not 400.
 */
export function registerDownloadRoutes(app: App, deps: DownloadRouteDeps): void {
  // Download audits are written when the response ends; closing the app waits for them.
  const pending = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  app.addHook("onClose", async () => {
    await Promise.allSettled([...pending]);
  });
  const presign: PresignGet | undefined =
    deps.mode !== "stream" && deps.blobs.presignGet ? deps.blobs.presignGet.bind(deps.blobs) : undefined;

  app.get(
    "/downloads/*",
    { config: { public: true }, schema: { hide: true } },
    async (request, reply): Promise<FastifyReply> => {
      // On refusals too: a capability URL's answers are never cached
      // (docs/EXPORTS.md#links-and-downloads).
      reply
        .header("cache-control", "private, no-store")
        .header("content-security-policy", "default-src 'none'; sandbox");
      const token = (request.params as Record<string, string | undefined>)["*"] ?? "";
      let resolved: ResolvedDownload;
      try {
        resolved = await deps.links.resolve(token);
      } catch (err) {
        if (err instanceof DownloadDeniedError) return refuse(request, reply, err, deps.links);
        throw err;
      }
      const { claims, artifact } = resolved;
      try {
        // Every check of the link is done (resolve): only now may storage be handed out.
        if (presign) return await sendPresignedRedirect(request, reply, resolved, presign, deps.links);
        return await sendStoredFile(request, reply, artifact, deps.blobs, {
          label: "export file",
          logFields: {
            accountId: claims.accountId,
            exportRunId: claims.exportRunId,
            artifactId: artifact.id,
          },
          ...(request.method === "GET"
            ? {
                onDone: (outcome) =>
                  track(
                    deps.links
                      .recordDownload(resolved, {
                        ip: request.ip,
                        range: request.headers.range ?? null,
                        ...outcome,
                      })
                      .catch((err: unknown) => request.log.error({ err }, "download audit failed")),
                  ),
              }
            : {}),
        });
      } catch (err) {
        // The file vanished from storage (the retention sweep,
        // docs/EXPORTS.md#retention-and-expiry): same 404.
        if (err instanceof NotFoundError) return sendDownloadProblem(request, reply, accessDenied(404));
        const { body, headers } = toProblem(err);
        if (body.status >= 500) request.log.error({ err }, "download failed");
        return sendDownloadProblem(request, reply, body, headers);
      }
    },
  );
}

/**
 * Answers a refused link. A valid signature names its account, so the refusal is audited there
 * (`export.download_denied`, 403/410); a forged or unknown link only gets a warning, without
 * the token.
 */
async function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  err: DownloadDeniedError,
  links: DownloadLinkService,
): Promise<FastifyReply> {
  if (err.claims && err.status !== 404) {
    await links
      .recordDenial(err, { ip: request.ip, method: request.method })
      .catch((e: unknown) => request.log.error({ err: e }, "download denial audit failed"));
  }
  const where = err.claims
    ? {
        accountId: err.claims.accountId,
        exportRunId: err.claims.exportRunId,
        artifactId: err.claims.artifactId,
      }
    : {};
  request.log.warn({ reason: err.reason, status: err.status, ...where }, "download link refused");
  return sendDownloadProblem(request, reply, accessDenied(err.status));
}

const DETAILS = {
  403: "Access denied: the person this link was sent to may no longer download exports.",
  404: "Access denied: this download link is not valid.",
  410: "Access denied: this download link has expired or was revoked.",
} as const;

/** "Access denied" problems; 410 Gone has no kind in `PROBLEMS` yet, so it is built here. */
function accessDenied(status: 403 | 404 | 410): Problem {
  if (status === 410) return { type: `${PROBLEM_BASE}gone`, title: "Gone", status, detail: DETAILS[410] };
  return problem(status === 403 ? "forbidden" : "not-found", DETAILS[status]);
}

/**
 * Like `sendProblem` (middleware/errors.ts), but `instance` is the redacted path: the token is
 * not echoed back in the body, where proxies, error trackers or screenshots could keep it.
 */
function sendDownloadProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  body: Problem,
  headers: Record<string, string> = {},
): FastifyReply {
  for (const h of FILE_HEADERS) reply.removeHeader(h);
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  return reply
    .code(body.status)
    .type("application/problem+json; charset=utf-8")
    .send({ ...body, instance: redactUrl(request.url.split("?")[0] ?? ""), request_id: request.id });
}
