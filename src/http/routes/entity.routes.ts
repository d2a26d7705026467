import { Type } from "@sinclair/typebox";
import type { TableName } from "../../db/schema/index.js";
import { TABLE_NAMES, tableSpec } from "../../db/schema/index.js";
import { ValidationError } from "../../domain/errors.js";
import type { EntityService } from "../../services/entity.service.js";
import { authOf, writeContextOf } from "../middleware/auth.js";
import { locationOf, presentRow } from "../presenters/row.presenter.js";
import { HttpProblem } from "../problem.js";
import { ERROR_RESPONSES, IdParams, PageSchema } from "../schemas/common.schema.js";
import { entityOf, inputSchema, listQuerySchema, rowSchema } from "../schemas/entity.schema.js";
import type { App } from "../types.js";

type Query = Record<string, string | number | undefined>;
type Body = Record<string, unknown>;

/** Tables served by the API, in catalog order. */
export function apiTables(): TableName[] {
  return TABLE_NAMES.filter((t) => tableSpec(t).api);
}

/**
 * The generic REST surface, generated from the catalog (docs/API.md): for every table with `api`,
 * list and read; for `api.write` tables, create, update and delete. Routes only validate,
 * authorize (route `minRole`), call the service with the caller's account, and present.
 */
export function registerEntityRoutes(app: App, entities: EntityService): void {
  for (const table of apiTables()) registerTable(app, entities, table);
}

function registerTable(app: App, entities: EntityService, table: TableName): void {
  const api = tableSpec(table).api!;
  const base = `/api/v1/${api.path}`;
  const entity = entityOf(table);
  const readRole = api.readRole ?? "viewer";
  const writeRole = api.writeRole ?? "recruiter";
  const row = rowSchema(table);
  const tags = [api.path];

  app.get(
    base,
    {
      config: { minRole: readRole },
      schema: {
        tags,
        operationId: `list_${table}`,
        summary: `List ${api.path}`,
        querystring: listQuerySchema(table),
        response: { 200: PageSchema(row), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit, cursor, updated_since, since, ...filters } = request.query as Query;
      try {
        const page = await entities.list(authOf(request).accountId, table, {
          limit: typeof limit === "number" ? limit : 50,
          cursor: cursor as string | undefined,
          updatedSince: (since ?? updated_since) as string | undefined,
          filters: filters as Record<string, string>,
        });
        return { data: page.items.map((r) => presentRow(table, r)), next_cursor: page.next_cursor };
      } catch (err) {
        // Everything a list takes is a query parameter: a bad one is a 400 (e.g. a forged cursor).
        if (err instanceof ValidationError) throw HttpProblem.badRequest(err.errors);
        throw err;
      }
    },
  );

  app.get(
    `${base}/:id`,
    {
      config: { minRole: readRole },
      schema: {
        tags,
        operationId: `get_${entity}`,
        summary: `Read one ${entity}`,
        params: IdParams,
        response: { 200: row, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return presentRow(table, await entities.get(authOf(request).accountId, table, id));
    },
  );

  if (!api.write) return;

  app.post(
    base,
    {
      config: { minRole: writeRole },
      schema: {
        tags,
        operationId: `create_${entity}`,
        summary: `Create ${article(entity)}`,
        body: inputSchema(table, false),
        response: { 201: row, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const created = await entities.create(writeContextOf(request), table, request.body as Body);
      reply.code(201).header("location", locationOf(api.path, String(created.id)));
      return presentRow(table, created);
    },
  );

  app.patch(
    `${base}/:id`,
    {
      config: { minRole: writeRole },
      schema: {
        tags,
        operationId: `update_${entity}`,
        summary: `Update ${article(entity)} (only the fields sent)`,
        params: IdParams,
        body: inputSchema(table, true),
        response: { 200: row, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return presentRow(
        table,
        await entities.update(writeContextOf(request), table, id, request.body as Body),
      );
    },
  );

  app.delete(
    `${base}/:id`,
    {
      config: { minRole: writeRole },
      schema: {
        tags,
        operationId: `delete_${entity}`,
        summary: `Delete ${article(entity)} permanently (with what hangs off it)`,
        params: IdParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await entities.delete(writeContextOf(request), table, id);
      return reply.code(204).send(null);
    },
  );
}

/** "a person", "an application" (for OpenAPI summaries). */
function article(word: string): string {
  return `${/^[aeiou]/.test(word) ? "an" : "a"} ${word.replaceAll("_", " ")}`;
}
