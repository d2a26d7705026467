import { Type } from "@sinclair/typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { NotFoundError, ValidationError } from "../../domain/errors.js";
import type { App } from "../../http/types.js";
import { Id } from "../../http/validation/formats.js";
import { inProgress, presentRuns } from "../components/export-run.js";
import { page } from "../layout.js";
import { DATA_EXPORT_PATH, dataExportPage } from "../pages/data-export.page.js";
import { redirectDone, sendPage } from "../respond.js";
import { sessionOf, webContextOf } from "../web-context.js";
import type { WebDeps } from "../web-types.js";

/** Full exports shown: the latest and the older ones still worth a glance. */
const LIST_LIMIT = 25;

/**
 * Settings › Data Export (docs/EXPORTS.md#the-full-data-export): request a full export, follow it
 * (waiting for payment, running), download its master CSV, revoke its links. Owners and admins only
 * (docs/EXPORTS.md#links-and-downloads); the same ExportService as the API, so requests join a
 * running export and are audited alike.
 */
export function registerDataExportPages(app: App, deps: WebDeps): void {
  const render = async (request: FastifyRequest, extra: { done?: string; error?: string }) => {
    const s = sessionOf(request);
    const listed = await deps.exports.list(webContextOf(request), { format: "full", limit: LIST_LIMIT });
    const runs = presentRuns(deps, request, listed);
    return page({
      title: "Data Export",
      session: s,
      active: "export",
      refreshWithoutJs: runs.some(inProgress) && DATA_EXPORT_PATH,
      body: dataExportPage(
        { timeZone: s.timeZone, runs, now: deps.clock.now() },
        { csrf: s.csrfToken, ...extra },
      ),
    });
  };

  /** A service's refusal of the input is the page again with the reason (422), never a 500. */
  const rejected = async (request: FastifyRequest, reply: FastifyReply, err: ValidationError) => {
    reply.code(422);
    return sendPage(reply, await render(request, { error: err.errors.map((e) => e.message).join("; ") }));
  };

  app.get(DATA_EXPORT_PATH, { config: { web: "admin" } }, async (request, reply) => {
    const done = (request.query as Record<string, string | undefined>).done;
    return sendPage(reply, await render(request, done ? { done } : {}));
  });

  app.post(`${DATA_EXPORT_PATH}/request`, { config: { web: "admin" } }, async (request, reply) => {
    try {
      const { run, created } = await deps.exports.request(webContextOf(request), "full");
      const done = !created ? "joined" : run.state === "awaiting_payment" ? "waiting" : "requested";
      return redirectDone(reply, DATA_EXPORT_PATH, done);
    } catch (err) {
      if (err instanceof ValidationError) return rejected(request, reply, err);
      throw err;
    }
  });

  app.post(
    `${DATA_EXPORT_PATH}/:id/revoke`,
    {
      config: { web: "admin" },
      schema: { params: Type.Object({ id: Id() }, { additionalProperties: false }) },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const ctx = webContextOf(request);
      // This page revokes full exports only; another format's id is not found here (404).
      const { run } = await deps.exports.get(ctx, id);
      if (run.format !== "full") throw new NotFoundError("export", id);
      try {
        await deps.exports.revoke(ctx, id);
      } catch (err) {
        if (err instanceof ValidationError) return rejected(request, reply, err);
        throw err;
      }
      return redirectDone(reply, DATA_EXPORT_PATH, "revoked");
    },
  );
}
