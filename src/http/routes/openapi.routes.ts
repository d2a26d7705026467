import type { App } from "../types.js";

/**
 * `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from the same schemas that
 * validate requests, so it cannot drift from what the API accepts. Public: it holds no data.
 */
export function registerOpenApiRoute(app: App): void {
  app.get(
    "/api/v1/openapi.json",
    { config: { public: true }, schema: { hide: true } },
    async (_request, reply) => reply.type("application/json; charset=utf-8").send(app.swagger()),
  );
}

/** Options of `@fastify/swagger`: OpenAPI 3.1 with Bearer authentication on every operation. */
export function swaggerOptions(version: string) {
  return {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Hirevault API",
        version,
        description:
          "Recruiting data (ATS core). JSON, snake_case, cursor pagination, RFC 9457 problem+json errors. " +
          "Authenticate with `Authorization: Bearer hv_…`.",
      },
      servers: [{ url: "/" }],
      components: {
        securitySchemes: {
          bearer: { type: "http" as const, scheme: "bearer", description: "hv_… API token" },
        },
      },
      security: [{ bearer: [] }],
    },
  };
}
