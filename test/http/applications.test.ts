import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createJob, createPerson } from "./_helpers/fixtures.js";

describe.each(DIALECTS)("applications (%s)", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("POST /applications/:id/move moves to another stage and records a stage event", async () => {
    const r = t.as("recruiter");
    const person = await createPerson(r);
    const job = await createJob(r);
    const stages = (await r.get(`/api/v1/pipeline-stages?job_id=${job.id}&limit=200`)).json().data as {
      id: string;
      position: number;
    }[];
    expect(stages.length).toBeGreaterThan(1);
    const created = await r.post("/api/v1/applications", { person_id: person.id, job_id: job.id });
    expect(created.statusCode, created.body).toBe(201);
    const app = created.json();
    const target = stages.find((s) => s.id !== app.stage_id)!;
    const moved = await r.post(`/api/v1/applications/${app.id}/move`, {
      stage_id: target.id,
      reason: "strong screen",
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().stage_id).toBe(target.id);
    const events = (await r.get(`/api/v1/stage-events?application_id=${app.id}`)).json().data;
    expect(events).toContainEqual(
      expect.objectContaining({
        from_stage_id: app.stage_id,
        to_stage_id: target.id,
        reason: "strong screen",
      }),
    );
  });

  it("validates the move: unknown fields, bad ids, stages of other jobs", async () => {
    const r = t.as("recruiter");
    const person = await createPerson(r);
    const job = await createJob(r);
    const other = await createJob(r);
    const app = (await r.post("/api/v1/applications", { person_id: person.id, job_id: job.id })).json();
    const foreignStage = (await r.get(`/api/v1/pipeline-stages?job_id=${other.id}`)).json().data[0];
    const wrongJob = await r.post(`/api/v1/applications/${app.id}/move`, { stage_id: foreignStage.id });
    expect(wrongJob.statusCode).toBe(422);
    expect(wrongJob.json().errors[0].field).toBe("stage_id");
    const bad = await r.post(`/api/v1/applications/${app.id}/move`, { stage: "x" });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(["stage", "stage_id"]);
    expect(
      (await t.as("viewer").post(`/api/v1/applications/${app.id}/move`, { stage_id: foreignStage.id }))
        .statusCode,
    ).toBe(403);
    const missing = await r.post("/api/v1/applications/01890000-0000-7000-8000-000000000000/move", {
      stage_id: foreignStage.id,
    });
    expect(missing.statusCode).toBe(404);
  });
});
