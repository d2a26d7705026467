import { Type } from "@sinclair/typebox";
import type { App } from "../../http/types.js";
import { Id } from "../../http/validation/formats.js";
import { presentRuns, runStatus } from "../components/export-run.js";
import type { WebDeps } from "../plugin.js";
import { webContextOf } from "../web-context.js";

/** `GET /settings/exports/:id/status`: what the pages' script polls while an export runs. */
export function registerRunStatusRoute(app: App, deps: WebDeps): void {
  app.get(
    "/settings/exports/:id/status",
    {
      config: { web: "admin" },
      schema: { params: Type.Object({ id: Id() }, { additionalProperties: false }) },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const run = await deps.exports.get(webContextOf(request), id);
      return runStatus(presentRuns(deps, request, [run])[0]!);
    },
  );
}
