import type { FastifyRequest } from "fastify";
import { ValidationError } from "../../domain/errors.js";
import type { App } from "../../http/types.js";
import { inProgress, presentRuns } from "../components/export-run.js";
import { page } from "../layout.js";
import { SNAPSHOTS_PATH, snapshotsPage } from "../pages/snapshots.page.js";
import { redirectDone, sendPage } from "../respond.js";
import { sessionOf, webContextOf } from "../web-context.js";
import type { WebDeps } from "../web-types.js";

/** Snapshots listed: the newest 50 (each lives 7 days, so that is every one still downloadable). */
const LIST_LIMIT = 50;

/**
 * Settings › Snapshots (docs/EXPORTS.md#the-snapshot): request a snapshot and download it. Owners
 * and admins only (docs/EXPORTS.md#links-and-downloads); the same ExportService as the API, so
 * requests join a running snapshot and are audited alike. A snapshot is never held by a pending
 * invoice (only the full export is).
 */
export function registerSnapshotPages(app: App, deps: WebDeps): void {
  const render = async (request: FastifyRequest, extra: { done?: string; error?: string }) => {
    const s = sessionOf(request);
    const listed = await deps.exports.list(webContextOf(request), { format: "snapshot", limit: LIST_LIMIT });
    const runs = presentRuns(deps, request, listed);
    return page({
      title: "Snapshots",
      session: s,
      active: "snapshots",
      refreshWithoutJs: runs.some(inProgress) && SNAPSHOTS_PATH,
      body: snapshotsPage({ timeZone: s.timeZone, runs }, { csrf: s.csrfToken, ...extra }),
    });
  };

  app.get(SNAPSHOTS_PATH, { config: { web: "admin" } }, async (request, reply) => {
    const done = (request.query as Record<string, string | undefined>).done;
    return sendPage(reply, await render(request, done ? { done } : {}));
  });

  app.post(`${SNAPSHOTS_PATH}/request`, { config: { web: "admin" } }, async (request, reply) => {
    try {
      const { created } = await deps.exports.request(webContextOf(request), "snapshot");
      return redirectDone(reply, SNAPSHOTS_PATH, created ? "requested" : "joined");
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      reply.code(422);
      const error = err.errors.map((e) => e.message).join("; ");
      return sendPage(reply, await render(request, { error }));
    }
  });
}
