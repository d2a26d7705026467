import { Type } from "@sinclair/typebox";
import { presentExportRun } from "../../http/presenters/export-run.presenter.js";
import type { App } from "../../http/types.js";
import { Id } from "../../http/validation/formats.js";
import { runStatus } from "../components/export-run.js";
import { webContextOf } from "../web-context.js";
import type { WebDeps } from "../web-types.js";

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
      const { run, artifacts, pendingInvoices } = await deps.exports.get(webContextOf(request), id);
      // Polled every 2 s and never shows a file: present the run without minting download links.
      const noLinks = { links: undefined, clock: deps.clock, userId: null };
      return runStatus(presentExportRun(run, artifacts, noLinks, pendingInvoices));
    },
  );
}
