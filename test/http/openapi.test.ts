import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

describe.each(DIALECTS)("OpenAPI document (%s)", (dialect) => {
  let t: TestApp;
  // biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document, navigated freely in assertions
  let doc: any;
  let raw: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    const res = await t.anonymous().get("/api/v1/openapi.json");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    raw = res.body;
    doc = JSON.parse(raw);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("is OpenAPI 3.1 with bearer authentication", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("Hirevault API");
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.security).toEqual([{ bearer: [] }]);
  });

  it("has paths for persons and attachments", () => {
    expect(Object.keys(doc.paths["/api/v1/persons"])).toEqual(expect.arrayContaining(["get", "post"]));
    expect(Object.keys(doc.paths["/api/v1/persons/{id}"])).toEqual(
      expect.arrayContaining(["get", "patch", "delete"]),
    );
    expect(doc.paths["/api/v1/attachments"].post).toBeDefined();
    expect(doc.paths["/api/v1/attachments/{id}/content"].get).toBeDefined();
    expect(doc.paths["/api/v1/applications/{id}/move"].post).toBeDefined();
    expect(doc.paths["/api/v1/deletions"].get).toBeDefined();
    expect(doc.paths["/api/v1/me"].get).toBeDefined();
    expect(doc.paths["/api/v1/openapi.json"]).toBeUndefined();
  });

  it("documents the person schema: required fields, enums, no unknown fields", () => {
    const body = doc.paths["/api/v1/persons"].post.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(expect.arrayContaining(["first_name", "last_name"]));
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.emails.type).toBe("array");
    expect(body.properties).not.toHaveProperty("id");
    expect(body.properties).not.toHaveProperty("created_at");
    const list = doc.paths["/api/v1/persons"].get;
    const params = list.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(["limit", "cursor", "updated_since", "owner_id"]));
    const row = list.responses["200"].content["application/json"].schema.properties.data.items;
    expect(row.properties.source_type.enum).toContain("referral");
  });

  it("gives every operation a unique operationId and documented responses", () => {
    const ops = Object.values(doc.paths).flatMap((item) => Object.values(item as object)) as {
      operationId: string;
      responses: object;
    }[];
    expect(ops.length).toBeGreaterThan(80);
    const ids = ops.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of ops) expect(Object.keys(op.responses).length, op.operationId).toBeGreaterThan(0);
  });

  it("never mentions a secret column", () => {
    for (const secret of ["token_hash", "storage_key", "password_hash"]) expect(raw).not.toContain(secret);
  });
});
