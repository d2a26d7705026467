import { Type } from "@sinclair/typebox";
import { tableSpec } from "../../db/schema/index.js";
import type { EntityService } from "../../services/entity.service.js";
import { writeContextOf } from "../middleware/auth.js";
import { presentRow } from "../presenters/row.presenter.js";
import { ERROR_RESPONSES, IdParams } from "../schemas/common.schema.js";
import { rowSchema } from "../schemas/entity.schema.js";
import type { App } from "../types.js";
import { Id, Nullable, Text } from "../validation/formats.js";

const MoveBody = Type.Object(
  {
    stage_id: Id({ description: "a pipeline stage of the application's job" }),
    reason: Type.Optional(Nullable(Text({ maxLength: 2000, description: "kept on the stage event" }))),
  },
  { additionalProperties: false },
);

/** `POST /api/v1/applications/:id/move`: moves a candidate to another stage of the same job. */
export function registerApplicationRoutes(app: App, entities: EntityService): void {
  app.post(
    "/api/v1/applications/:id/move",
    {
      config: { minRole: tableSpec("applications").api?.writeRole ?? "recruiter" },
      schema: {
        tags: ["applications"],
        operationId: "move_application",
        summary: "Move an application to another stage of its job (records a stage event)",
        params: IdParams,
        body: MoveBody,
        response: { 200: rowSchema("applications"), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { stage_id, reason } = request.body as { stage_id: string; reason?: string | null };
      const moved = await entities.moveApplication(writeContextOf(request), id, {
        stage_id,
        reason: reason ?? null,
      });
      return presentRow("applications", moved);
    },
  );
}
