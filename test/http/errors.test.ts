import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createPerson } from "./_helpers/fixtures.js";

const P = "https://hirevault.dev/problems/";

/** The RFC 9457 shape every error must have. */
function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
  type: string,
) {
  expect(res.statusCode).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = res.json() as Record<string, unknown>;
  expect(body).toMatchObject({
    type: P + type,
    status,
    title: expect.any(String),
    detail: expect.any(String),
  });
  return body as { errors?: { field: string; message: string }[]; detail: string };
}

const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

describe.each(DIALECTS)("problem+json errors (%s)", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("422 names a missing required field", async () => {
    const body = expectProblem(
      await t.as("recruiter").post("/api/v1/persons", { last_name: "X" }),
      422,
      "validation-error",
    );
    expect(body.errors).toContainEqual({ field: "first_name", message: "is required" });
  });

  it("422 names a wrong enum value and lists the allowed ones", async () => {
    const res = await t
      .as("recruiter")
      .post("/api/v1/persons", { first_name: "A", last_name: "B", source_type: "psychic" });
    const body = expectProblem(res, 422, "validation-error");
    const error = body.errors?.find((e) => e.field === "source_type");
    expect(error?.message).toContain("referral");
  });

  it("422 names an unknown field and a read-only one", async () => {
    const res = await t.as("recruiter").post("/api/v1/persons", {
      first_name: "A",
      last_name: "B",
      nickname: "x",
      created_at: "2020-01-01T00:00:00Z",
    });
    const body = expectProblem(res, 422, "validation-error");
    expect(body.errors).toContainEqual({ field: "nickname", message: "is not a known field" });
    expect(body.errors).toContainEqual({ field: "created_at", message: "is read-only" });
  });

  it("422 names nested fields like emails[0].email", async () => {
    const res = await t.as("recruiter").post("/api/v1/persons", {
      first_name: "A",
      last_name: "B",
      emails: [{ email: "a@b.c" }, { label: "work" }],
    });
    const body = expectProblem(res, 422, "validation-error");
    expect(fields(body)).toContain("emails[1].email");
  });

  it("422 for a wrong type, without coercing strings to numbers", async () => {
    const res = await t.as("recruiter").post("/api/v1/jobs", { title: "X", openings: "3" });
    const body = expectProblem(res, 422, "validation-error");
    expect(body.errors).toContainEqual({
      field: "openings",
      message: "must be an integer from 0 to 2147483647 or null",
    });
  });

  it.each([
    ["first_name", { first_name: "Ada\u0000", last_name: "L" }],
    ["headline", { first_name: "Ada", last_name: "L", headline: "a\u0000b" }],
    ["emails[0].email", { first_name: "Ada", last_name: "L", emails: [{ email: "a\u0000@b.c" }] }],
  ])("422 names %s when it holds a NUL character (never a 500)", async (field, payload) => {
    const body = expectProblem(
      await t.as("recruiter").post("/api/v1/persons", payload),
      422,
      "validation-error",
    );
    expect(body.errors).toContainEqual({ field, message: expect.stringContaining("NUL") });
  });

  it("422 on PATCH names unknown fields; an empty patch is fine", async () => {
    const person = await createPerson(t.as("recruiter"));
    const bad = await t.as("recruiter").patch(`/api/v1/persons/${person.id}`, { frist_name: "A" });
    expect(fields(expectProblem(bad, 422, "validation-error"))).toEqual(["frist_name"]);
    expect(
      (await t.as("recruiter").patch(`/api/v1/persons/${person.id}`, { headline: null })).statusCode,
    ).toBe(200);
  });

  it("400 for malformed JSON", async () => {
    expectProblem(await t.as("recruiter").post("/api/v1/persons", '{"first_name": "A",'), 400, "bad-request");
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    ["limit=ten", "limit"],
    ["updated_since=yesterday", "updated_since"],
    ["updated_since=2026-02-30T00:00:00Z", "updated_since"],
    ["updated_since=2026-01-01", "updated_since"],
    ["cursor=not-a-cursor", "cursor"],
    ["cursor=eyJmb28iOjF9", "cursor"],
    ["owner_id=123", "owner_id"],
    ["colour=red", "colour"],
  ])("400 naming the query parameter for ?%s", async (query, field) => {
    const body = expectProblem(await t.as("viewer").get(`/api/v1/persons?${query}`), 400, "bad-request");
    expect(fields(body)).toContain(field);
  });

  it("400 naming id for a path id that is not a UUID; 404 for an unknown one", async () => {
    expect(fields(expectProblem(await t.as("viewer").get("/api/v1/persons/42"), 400, "bad-request"))).toEqual(
      ["id"],
    );
    expectProblem(
      await t.as("viewer").get("/api/v1/persons/01890000-0000-7000-8000-000000000000"),
      404,
      "not-found",
    );
  });

  it("404 problem for an unknown route, with or without a token", async () => {
    expectProblem(await t.as("viewer").get("/api/v1/unicorns"), 404, "not-found");
    expectProblem(await t.anonymous().get("/nowhere"), 404, "not-found");
  });

  it("413 problem for a JSON body over 1 MiB", async () => {
    const res = await t
      .as("recruiter")
      .post("/api/v1/persons", { first_name: "x".repeat(1_100_000), last_name: "B" });
    expectProblem(res, 413, "payload-too-large");
  });

  it("409 problem for a duplicate", async () => {
    expect((await t.as("recruiter").post("/api/v1/tags", { name: "dup" })).statusCode).toBe(201);
    expectProblem(await t.as("recruiter").post("/api/v1/tags", { name: "dup" }), 409, "conflict");
  });

  it("415 problem for a body that is not JSON", async () => {
    const res = await t
      .as("recruiter")
      .post("/api/v1/persons", "first_name=A", { "content-type": "text/plain" });
    expectProblem(res, 415, "unsupported-media-type");
  });
});

describe("internal errors", () => {
  it("a 500 is a problem document that leaks neither the message nor the stack", async () => {
    const t = await createTestApp("sqlite");
    try {
      t.app.get("/api/v1/boom", { config: { public: true } }, async () => {
        throw new Error("db password is hunter2");
      });
      const res = await t.anonymous().get("/api/v1/boom");
      const body = expectProblem(res, 500, "internal-error");
      expect(res.body).not.toContain("hunter2");
      expect(res.body).not.toMatch(/at .*\.ts:\d+/);
      expect(body.detail).toBe("An unexpected error occurred; it has been logged.");
    } finally {
      await t.close();
    }
  });
});
