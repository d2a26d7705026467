import { Type } from "@sinclair/typebox";
import { EXPORT_FORMATS } from "../../db/schema/index.js";
import type { Clock } from "../../domain/clock.js";
import { NotFoundError, ValidationError } from "../../domain/errors.js";
import type { ExportFormatId } from "../../exports/export-format.js";
import { decodeCursor, encodeCursor } from "../../repositories/cursor.js";
import { filesDownloadable } from "../../repositories/export-run.repository.js";
import type { DownloadLinkService } from "../../services/download-link.service.js";
import type { ExportService } from "../../services/export.service.js";
import type { BlobStore } from "../../storage/blob-store.js";
import { authOf, writeContextOf } from "../middleware/auth.js";
import { presentExportRun } from "../presenters/export-run.presenter.js";
import { HttpProblem } from "../problem.js";
import { ERROR_RESPONSES, IdParams, PageSchema } from "../schemas/common.schema.js";
import { ExportRunSchema } from "../schemas/export.schema.js";
import type { App } from "../types.js";
import { Id, StringEnum } from "../validation/formats.js";
import { sendStoredFile } from "./attachment-content.js";

export interface ExportRouteDeps {
  exports: ExportService;
  links: DownloadLinkService | undefined;
  blobs: BlobStore;
  clock: Clock;
}

const ArtifactParams = Type.Object({ id: Id(), artifact_id: Id() }, { additionalProperties: false });

/**
 * `/api/v1/exports`: request an export (202, one run shared by concurrent requests), follow its
 * state and progress, get its files (signed links, or the content with the Bearer token), revoke
 * its links. Owners and admins only (docs/EXPORTS.md#links-and-downloads); every request, download
 * and revoke is audited.
 */
export function registerExportRoutes(app: App, deps: ExportRouteDeps): void {
  const present = (request: Parameters<typeof authOf>[0]) => {
    const minting = { links: deps.links, clock: deps.clock, userId: authOf(request).userId };
    return (r: Awaited<ReturnType<ExportService["get"]>>) =>
      presentExportRun(r.run, r.artifacts, minting, r.pendingInvoices);
  };

  app.post(
    "/api/v1/exports",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["exports"],
        operationId: "request_export",
        summary: "Request an export; answers 202 with the run (the same run while one is waiting or running)",
        description:
          "A full export requested while the account has a pending invoice waits in state `awaiting_payment` (`pending_invoices` lists them) and starts by itself once they are paid or voided.",
        body: Type.Object({ format: StringEnum(EXPORT_FORMATS) }, { additionalProperties: false }),
        response: { 202: ExportRunSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const ctx = writeContextOf(request);
      // 202 even when a full export must wait for payment: it is accepted and starts by itself
      // once the invoices are settled (docs/EXPORTS.md#the-full-data-export); the run lists what it
      // waits for.
      const { run, pendingInvoices } = await deps.exports.request(ctx, request.body.format);
      reply.code(202).header("location", `/api/v1/exports/${run.id}`);
      return present(request)({ run, artifacts: [], pendingInvoices });
    },
  );

  app.get(
    "/api/v1/exports",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["exports"],
        operationId: "list_exports",
        summary: "Exports of the account, newest first",
        querystring: Type.Object(
          {
            format: Type.Optional(StringEnum(EXPORT_FORMATS)),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            cursor: Type.Optional(Type.String({ maxLength: 400 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageSchema(ExportRunSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 50;
      const page = await deps.exports.list(writeContextOf(request), {
        limit: limit + 1,
        ...(q.format ? { format: q.format as ExportFormatId } : {}),
        ...(q.cursor ? { beforeId: cursorId(q.cursor) } : {}),
      });
      const more = page.length > limit;
      const data = page.slice(0, limit);
      return {
        data: data.map(present(request)),
        next_cursor: more ? encodeCursor({ id: data.at(-1)!.run.id }) : null,
      };
    },
  );

  app.get(
    "/api/v1/exports/:id",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["exports"],
        operationId: "get_export",
        summary: "An export: state, progress, errors, files with signed links",
        params: IdParams,
        response: { 200: ExportRunSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => present(request)(await deps.exports.get(writeContextOf(request), request.params.id)),
  );

  app.post(
    "/api/v1/exports/:id/revoke",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["exports"],
        operationId: "revoke_export",
        summary: "Revoke every link of a finished export now (410 from then on); its files are then deleted",
        params: IdParams,
        response: { 200: ExportRunSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      present(request)(await deps.exports.revoke(writeContextOf(request), request.params.id)),
  );

  // GET (Fastify answers HEAD from it too, RFC 9110 §9.3.2).
  app.get(
    "/api/v1/exports/:id/artifacts/:artifact_id/content",
    {
      config: { minRole: "admin" },
      schema: {
        tags: ["exports"],
        operationId: "download_export_artifact",
        summary: "The bytes of an export file, with the Bearer token (Range supported)",
        params: ArtifactParams,
      },
    },
    async (request, reply) => {
      const { id, artifact_id } = request.params as { id: string; artifact_id: string };
      const ctx = writeContextOf(request);
      const { run, artifacts } = await deps.exports.get(ctx, id);
      const artifact = artifacts.find((a) => a.id === artifact_id);
      const now = deps.clock.now();
      if (!artifact || !filesDownloadable(run, now)) throw new NotFoundError("export file", artifact_id);
      return sendStoredFile(request, reply, artifact, deps.blobs, {
        label: "export file",
        logFields: { exportRunId: run.id, artifactId: artifact.id },
        onDone: (outcome) => {
          void deps.exports
            .recordFileDownload(ctx, run, artifact, outcome)
            .catch((err) => request.log.error({ err }, "could not audit a download"));
        },
      });
    },
  );
}

/** The id of a list cursor; a forged one is a 400 naming `cursor` (a query parameter). */
function cursorId(cursor: string): string {
  try {
    return decodeCursor(cursor).id;
  } catch (err) {
    if (err instanceof ValidationError) throw HttpProblem.badRequest(err.errors);
    throw err;
  }
}
