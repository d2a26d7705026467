import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createJob, createPerson } from "./_helpers/fixtures.js";

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

  const invoice = (over: Record<string, unknown>) => ({
    number: `INV-${Math.random().toString(36).slice(2)}`,
    amount_cents: 1200,
    currency: "EUR",
    status: "pending",
    due_date: "2026-12-31",
    ...over,
  });

  it.each([
    [{ amount_cents: -5 }, "amount_cents"],
    [{ amount_cents: 2 ** 53 - 1 }, "amount_cents"],
    [{ currency: "EURO" }, "currency"],
    [{ currency: "eur" }, "currency"],
    [{ currency: "E1R" }, "currency"],
    [{ due_date: "0000-01-01" }, "due_date"],
  ])("an invoice with %o → 422 naming the field", async (over, field) => {
    expectFieldProblem(
      await t.as("owner").post("/api/v1/invoices", invoice(over)),
      422,
      "validation-error",
      field,
    );
  });

  it("a valid invoice is still accepted, and a PATCH to a bad currency refused", async () => {
    const res = await t.as("owner").post("/api/v1/invoices", invoice({ amount_cents: 0, currency: "CHF" }));
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    expectFieldProblem(
      await t.as("owner").patch(`/api/v1/invoices/${id}`, { currency: "Franc" }),
      422,
      "validation-error",
      "currency",
    );
  });

  it.each([
    [{ title: "X", openings: -1 }, "openings"],
    [{ title: "X", openings: 3_000_000_000 }, "openings"],
    [{ title: "" }, "title"],
    [{ title: "   \t\n" }, "title"],
  ])("a job with %o → 422 naming the field", async (body, field) => {
    expectFieldProblem(await t.as("recruiter").post("/api/v1/jobs", body), 422, "validation-error", field);
  });

  it("a job's title cannot be blanked by a PATCH; openings 0 is fine", async () => {
    const job = await createJob(t.as("recruiter"), { openings: 0 });
    expectFieldProblem(
      await t.as("recruiter").patch(`/api/v1/jobs/${job.id}`, { title: " " }),
      422,
      "validation-error",
      "title",
    );
  });

  it.each([
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "mailto:a@b.c",
    "//evil.example/x",
    "https://",
    "not a url",
  ])("a person link %j → 422 naming links[0].url", async (url) => {
    const res = await t
      .as("recruiter")
      .post("/api/v1/persons", { first_name: "A", last_name: "B", links: [{ url }] });
    expectFieldProblem(res, 422, "validation-error", "links[0].url");
  });

  it("http and https links are kept as given", async () => {
    const links = [{ url: "https://www.linkedin.com/in/ada-123" }, { url: "HTTP://example.com/a?b=c#d" }];
    const person = await createPerson(t.as("recruiter"), { links });
    expect((person.links as { url: string }[]).map((l) => l.url)).toEqual(links.map((l) => l.url));
  });

  it("a custom field of type url takes http(s) only", async () => {
    const def = await t.as("admin").post("/api/v1/custom-field-definitions", {
      entity_type: "person",
      key: "portfolio",
      label: "Portfolio",
      type: "url",
      position: 0,
    });
    expect(def.statusCode, def.body).toBe(201);
    const res = await t.as("recruiter").post("/api/v1/persons", {
      first_name: "A",
      last_name: "B",
      custom_fields: { portfolio: "javascript:alert(1)" },
    });
    expectFieldProblem(res, 422, "validation-error", "custom_fields.portfolio");
    const person = await createPerson(t.as("recruiter"));
    const direct = await t.as("recruiter").post("/api/v1/custom-field-values", {
      definition_id: def.json().id,
      entity_type: "person",
      entity_id: person.id,
      value: "javascript:alert(1)",
    });
    expectFieldProblem(direct, 422, "validation-error", "value");
  });

  it("an assessment rating outside 1–5 and a task due in year 0 → 422", async () => {
    const job = await createJob(t.as("recruiter"));
    const person = await createPerson(t.as("recruiter"));
    const app = await t
      .as("recruiter")
      .post("/api/v1/applications", { person_id: person.id, job_id: job.id });
    const rated = await t
      .as("recruiter")
      .post("/api/v1/assessments", { application_id: app.json().id, kind: "interview", rating: 6 });
    expectFieldProblem(rated, 422, "validation-error", "rating");
    const task = await t
      .as("recruiter")
      .post("/api/v1/tasks", { title: "Call", due_at: "0000-06-01T00:00:00Z" });
    expectFieldProblem(task, 422, "validation-error", "due_at");
  });

  it("the OpenAPI document shows the rules", async () => {
    const doc = (await t.anonymous().get("/api/v1/openapi.json")).json();
    const body = (path: string) => doc.paths[path].post.requestBody.content["application/json"].schema;
    const inv = body("/api/v1/invoices").properties;
    expect(inv.amount_cents.minimum).toBe(0);
    expect(inv.currency.pattern).toBe("^[A-Z]{3}$");
    const job = body("/api/v1/jobs").properties;
    expect(job.openings.anyOf[0].minimum).toBe(0);
    expect(job.title.pattern).toBeDefined();
    const link = body("/api/v1/persons").properties.links.items.properties.url;
    expect(link.format).toBe("uri");
    expect(link.pattern).toBeDefined();
  });
});
