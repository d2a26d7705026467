import { Type } from "@sinclair/typebox";
import { ATTACHMENT_ENTITIES, tableSpec } from "../../db/schema/index.js";
import type {
  AttachmentService,
  NewAttachment,
  StoredAttachment,
} from "../../services/attachment.service.js";
import type { EntityService } from "../../services/entity.service.js";
import type { BlobStore } from "../../storage/blob-store.js";
import { readUploadForm } from "../attachments/upload-form.js";
import { authOf, writeContextOf } from "../middleware/auth.js";
import { locationOf, presentRow } from "../presenters/row.presenter.js";
import { ERROR_RESPONSES, IdParams } from "../schemas/common.schema.js";
import { rowSchema } from "../schemas/entity.schema.js";
import type { App } from "../types.js";
import { Id, StringEnum } from "../validation/formats.js";
import { sendAttachmentContent } from "./attachment-content.js";

/** Services and limits the attachment routes use. */
export interface AttachmentRouteDeps {
  attachments: AttachmentService;
  entities: EntityService;
  blobs: BlobStore;
  maxUploadBytes: number;
}

/** The multipart form, for the OpenAPI document (parts in this order; the file last). */
const UploadForm = Type.Object({
  entity_type: StringEnum(ATTACHMENT_ENTITIES),
  entity_id: Id({ description: "the record the file belongs to, in the caller's account" }),
  internal_cv: Type.Optional(StringEnum(["true", "false"], { description: "a CV uploaded by the team" })),
  file: Type.String({ format: "binary", description: "the file; its type is detected from its bytes" }),
});
const api = tableSpec("attachments").api!;
const readRole = api.readRole ?? "viewer";
const writeRole = api.writeRole ?? "recruiter";

/**
 * Files on records: upload (multipart, streamed to blob storage), download (ranges, safe
 * headers) and delete. Listing and reading rows come from the generic routes.
 */
export function registerAttachmentRoutes(app: App, deps: AttachmentRouteDeps): void {
  app.post(
    "/api/v1/attachments",
    {
      config: { minRole: writeRole },
      // The form is read as a stream in the handler (never buffered); its schema documents it.
      validatorCompiler: () => (value: unknown) => ({ value }),
      schema: {
        tags: ["attachments"],
        operationId: "upload_attachment",
        summary: "Upload a file (multipart/form-data: entity_type, entity_id, internal_cv?, then file)",
        description: `Fields must come before the file part. entity_type: ${ATTACHMENT_ENTITIES.join(", ")}. The content type is detected from the bytes; executables, HTML and SVG are refused (415).`,
        consumes: ["multipart/form-data"],
        body: UploadForm,
        response: { 201: rowSchema("attachments"), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const ctx = writeContextOf(request);
      let upload: NewAttachment;
      try {
        upload = await readUploadForm(request, ctx.accountId, deps);
      } catch (err) {
        // The rest of the request body is not read after a refusal: close the connection.
        reply.header("connection", "close");
        throw err;
      }
      let row: StoredAttachment;
      try {
        row = await deps.attachments.create(ctx, upload);
      } catch (err) {
        await deps.blobs.delete(upload.storageKey).catch(() => undefined); // no file without its row
        throw err;
      }
      reply.code(201).header("location", locationOf("attachments", row.id));
      return presentRow("attachments", { ...row });
    },
  );

  app.get(
    "/api/v1/attachments/:id/content",
    {
      config: { minRole: readRole },
      schema: {
        tags: ["attachments"],
        operationId: "download_attachment",
        summary: "Download the file (supports Range and If-Range)",
        params: IdParams,
        produces: ["application/octet-stream"],
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const row = await deps.attachments.getStored(authOf(request).accountId, id);
      if (request.method === "GET")
        await deps.attachments.recordDownload(writeContextOf(request), row, request.headers.range);
      return sendAttachmentContent(request, reply, row, deps.blobs);
    },
  );

  app.delete(
    "/api/v1/attachments/:id",
    {
      config: { minRole: writeRole },
      schema: {
        tags: ["attachments"],
        operationId: "delete_attachment",
        summary: "Delete an attachment and its file",
        params: IdParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await deps.entities.delete(writeContextOf(request), "attachments", id);
      return reply.code(204).send(null);
    },
  );
}
