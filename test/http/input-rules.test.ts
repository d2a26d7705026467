import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createPerson } from "./_helpers/fixtures.js";

const P = "https://hirevault.dev/problems/";

type Res = { statusCode: number; headers: Record<string, unknown>; body: string; json(): unknown };

/** A problem document of `status` and `kind` naming exactly `field` (among others). */
function expectFieldProblem(res: Res, status: number, kind: string, field: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = res.json() as { type: string; errors?: { field: string; message: string }[] };
  expect(body.type).toBe(P + kind);
  expect(body.errors?.map((e) => e.field)).toContain(field);
  return body.errors!.find((e) => e.field === field)!.message;
}

// real: SQLite / PostgreSQL, requests through app.inject. mock: nothing. Every value here was
// stored (or failed with a 500 on PostgreSQL) before the rules existed.
describe.each(DIALECTS)("input rules (%s)", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  const rawPost = (url: string, payload: Buffer) =>
    t.inject({
      method: "POST",
      url,
      headers: { authorization: `Bearer ${t.a.tokens.recruiter}`, "content-type": "application/json" },
      payload,
    });

  it("a JSON body with invalid UTF-8 → 422 naming the field; nothing stored", async () => {
    const before = await t.database.db.selectFrom("persons").select("id").execute();
    const bad = Buffer.concat([
      Buffer.from('{"first_name":"Ad'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('a","last_name":"L","emails":[{"email":"a'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('@b.c"}]}'),
    ]);
    const res = await rawPost("/api/v1/persons", bad);
    expect(expectFieldProblem(res, 422, "validation-error", "first_name")).toBe("is not valid UTF-8");
    expectFieldProblem(res, 422, "validation-error", "emails[0].email");
    expect(await t.database.db.selectFrom("persons").select("id").execute()).toHaveLength(before.length);
    // A real U+FFFD, sent as valid UTF-8, is text like any other.
    const ok = await rawPost("/api/v1/persons", Buffer.from('{"first_name":"A\uFFFD","last_name":"L"}'));
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ first_name: "A\uFFFD" });
  });

  it.each([
    ["a well-formed cursor with a made-up key", Buffer.from('["zzzz"]').toString("base64url")],
    [
      "a cursor whose time is not one we write",
      Buffer.from('["01890000-0000-7000-8000-000000000000","2026-01-01"]').toString("base64url"),
    ],
    [
      "a cursor spelled differently",
      Buffer.from('[ "01890000-0000-7000-8000-000000000000" ]').toString("base64url"),
    ],
    [
      "a cursor with three keys",
      Buffer.from('["01890000-0000-7000-8000-000000000000",1,2]').toString("base64url"),
    ],
  ])("%s → 400 naming cursor", async (_what, cursor) => {
    expectFieldProblem(
      await t.as("viewer").get(`/api/v1/persons?cursor=${cursor}`),
      400,
      "bad-request",
      "cursor",
    );
  });

  it("a cursor the API returned still pages", async () => {
    for (let i = 0; i < 3; i++) await createPerson(t.as("recruiter"));
    const first = await t.as("viewer").get("/api/v1/persons?limit=1");
    const next = first.json().next_cursor as string;
    expect((await t.as("viewer").get(`/api/v1/persons?limit=1&cursor=${next}`)).statusCode).toBe(200);
    const sync = await t.as("viewer").get("/api/v1/persons?limit=1&updated_since=2000-01-01T00:00:00Z");
    const syncNext = sync.json().next_cursor as string;
    const page = await t
      .as("viewer")
      .get(`/api/v1/persons?limit=1&updated_since=2000-01-01T00:00:00Z&cursor=${syncNext}`);
    expect(page.statusCode, page.body).toBe(200);
  });

  it.each(["1.5", "1e1", "0x10", "%205", "5abc", "-0"])("limit=%s → 400 naming limit", async (limit) => {
    expectFieldProblem(
      await t.as("viewer").get(`/api/v1/persons?limit=${limit}`),
      400,
      "bad-request",
      "limit",
    );
  });

  it("exports' list takes the same strict limit", async () => {
    expectFieldProblem(await t.as("admin").get("/api/v1/exports?limit=2.5"), 400, "bad-request", "limit");
  });

  it("the exports list refuses a forged cursor with a 400 too", async () => {
    const forged = Buffer.from('["zzzz"]').toString("base64url");
    expectFieldProblem(
      await t.as("admin").get(`/api/v1/exports?cursor=${forged}`),
      400,
      "bad-request",
      "cursor",
    );
  });
});
