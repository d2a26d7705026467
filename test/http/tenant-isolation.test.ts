import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableSpec } from "../../src/db/schema/index.js";
import { apiTables } from "../../src/http/routes/entity.routes.js";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createJob, createPerson, makePdf } from "./_helpers/fixtures.js";

describe.each(DIALECTS)("tenant isolation (%s)", (dialect) => {
  let t: TestApp;
  let person: { id: string };
  let job: { id: string };
  let attachmentId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const a = t.as("owner");
    person = await createPerson(a, { first_name: "Secret", last_name: "Candidate", tags: ["vip"] });
    job = await createJob(a);
    const upload = await a.upload("/api/v1/attachments", [
      { name: "entity_type", value: "person" },
      { name: "entity_id", value: person.id },
      { name: "file", filename: "cv.pdf", content: makePdf() },
    ]);
    expect(upload.statusCode, upload.body).toBe(201);
    attachmentId = upload.json().id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("B's lists never show A's rows", async () => {
    const b = t.as("owner", t.b);
    // Every resource of the catalog, not a hand-picked few: a new table is covered by default.
    for (const path of apiTables().map((table) => tableSpec(table).api!.path)) {
      const res = await b.get(`/api/v1/${path}?limit=200`);
      expect(res.statusCode, path).toBe(200);
      expect(res.body, path).not.toContain(t.a.id);
    }
    const filtered = await b.get(`/api/v1/attachments?entity_id=${person.id}`);
    expect(filtered.json().data).toEqual([]);
    expect((await t.as("owner").get(`/api/v1/attachments?entity_id=${person.id}`)).json().data).toHaveLength(
      1,
    );
  });

  it("B gets 404, not 403, for every verb on A's records", async () => {
    const b = t.as("owner", t.b);
    const probes = [
      await b.get(`/api/v1/persons/${person.id}`),
      await b.patch(`/api/v1/persons/${person.id}`, { headline: "pwned" }),
      await b.delete(`/api/v1/persons/${person.id}`),
      await b.get(`/api/v1/jobs/${job.id}`),
      await b.get(`/api/v1/attachments/${attachmentId}`),
      await b.get(`/api/v1/attachments/${attachmentId}/content`),
      await b.delete(`/api/v1/attachments/${attachmentId}`),
      await b.get(`/api/v1/api-tokens/${t.a.tokenIds.viewer}`),
      await b.delete(`/api/v1/api-tokens/${t.a.tokenIds.viewer}`),
    ];
    for (const res of probes) {
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().type).toBe("https://hirevault.dev/problems/not-found");
    }
    // A's data is untouched.
    const a = t.as("owner");
    expect((await a.get(`/api/v1/persons/${person.id}`)).json().headline).toBeNull();
    expect((await a.get(`/api/v1/attachments/${attachmentId}/content`)).statusCode).toBe(200);
    expect((await t.anonymous(`Bearer ${t.a.tokens.viewer}`).get("/api/v1/me")).statusCode).toBe(200);
  });

  it("B cannot point its records at A's ids", async () => {
    const b = t.as("owner", t.b);
    const bJob = await createJob(b);
    const app = await b.post("/api/v1/applications", { person_id: person.id, job_id: bJob.id });
    expect(app.statusCode).toBe(422);
    expect(app.json().errors.map((e: { field: string }) => e.field)).toContain("person_id");
    const upload = await b.upload("/api/v1/attachments", [
      { name: "entity_type", value: "person" },
      { name: "entity_id", value: person.id },
      { name: "file", filename: "x.pdf", content: makePdf() },
    ]);
    expect(upload.statusCode).toBe(422);
    expect(upload.json().errors).toEqual([{ field: "entity_id", message: expect.any(String) }]);
    const move = await b.post(`/api/v1/applications/${person.id}/move`, { stage_id: person.id });
    expect(move.statusCode).toBe(404);
  });

  it("an id that exists nowhere answers exactly like another account's id", async () => {
    const b = t.as("owner", t.b);
    const unknown = await b.get("/api/v1/persons/01890000-0000-7000-8000-000000000000");
    const foreign = await b.get(`/api/v1/persons/${person.id}`);
    expect(foreign.statusCode).toBe(unknown.statusCode);
    const strip = (body: Record<string, unknown>) => ({
      ...body,
      instance: undefined,
      request_id: undefined,
    });
    expect(strip(foreign.json())).toEqual(strip(unknown.json()));
  });
});
