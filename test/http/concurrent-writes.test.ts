import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { blobKeys, upload } from "./_helpers/attachments.js";
import { createJob, createPerson, makePdf } from "./_helpers/fixtures.js";

const statuses = (rs: { statusCode: number }[]) => rs.map((r) => r.statusCode).sort();
const count = (s: number[], code: number) => s.filter((c) => c === code).length;

// real: SQLite / PostgreSQL, requests in parallel through app.inject (the pool has 5 connections,
// so PostgreSQL runs several transactions at once). mock: nothing.
describe.each(DIALECTS)("concurrent writes (%s)", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  const rows = (table: "tags" | "taggings" | "deletions" | "audit_log" | "custom_field_values") =>
    t.database.db.selectFrom(table).selectAll().where("account_id", "=", t.a.id).execute() as Promise<
      Record<string, unknown>[]
    >;

  it("50 persons created at once with the same new tag: all 201, one tag, 50 taggings", async () => {
    const res = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t
          .as("recruiter")
          .post("/api/v1/persons", { first_name: `P${i}`, last_name: "Race", tags: ["t-new"] }),
      ),
    );
    expect(statuses(res)).toEqual(Array(50).fill(201));
    for (const r of res) expect(r.json().tags).toEqual(["t-new"]);
    const tags = (await rows("tags")).filter((r) => r.name === "t-new");
    expect(tags).toHaveLength(1);
    const taggings = (await rows("taggings")).filter((r) => r.tag_id === tags[0]!.id);
    expect(taggings).toHaveLength(50);
  });

  it("a custom field value set by PATCH and POSTed at the same moment: never a 500, one value", async () => {
    const def = await t.as("admin").post("/api/v1/custom-field-definitions", {
      entity_type: "person",
      key: "notice_weeks",
      label: "Notice (weeks)",
      type: "number",
      position: 0,
    });
    expect(def.statusCode, def.body).toBe(201);
    const persons = await Promise.all(Array.from({ length: 10 }, () => createPerson(t.as("recruiter"))));
    const res = await Promise.all(
      persons.flatMap((p) => [
        t.as("recruiter").patch(`/api/v1/persons/${p.id}`, { custom_fields: { notice_weeks: 4 } }),
        t.as("recruiter").post("/api/v1/custom-field-values", {
          definition_id: def.json().id,
          entity_type: "person",
          entity_id: p.id,
          value: "6",
        }),
      ]),
    );
    // The PATCH sets the value whatever is there; the POST creates it or finds it taken (409).
    for (const [i, r] of res.entries()) {
      if (i % 2) expect([201, 409], r.body).toContain(r.statusCode);
      else expect(r.statusCode, r.body).toBe(200);
    }
    const values = await rows("custom_field_values");
    for (const p of persons) expect(values.filter((v) => v.entity_id === p.id)).toHaveLength(1);
  });

  it("20 parallel DELETEs of one person: one 204, the rest 404; one tombstone, one audit entry", async () => {
    const person = await createPerson(t.as("recruiter"), {
      emails: [{ email: "race@example.com" }],
      tags: ["gone"],
    });
    const res = await Promise.all(
      Array.from({ length: 20 }, () => t.as("recruiter").delete(`/api/v1/persons/${person.id}`)),
    );
    const s = statuses(res);
    expect(count(s, 204)).toBe(1);
    expect(count(s, 404)).toBe(19);
    for (const r of res.filter((x) => x.statusCode === 404)) {
      expect(r.headers["content-type"]).toMatch(/^application\/problem\+json/);
    }
    const tombstones = await rows("deletions");
    expect(tombstones.filter((d) => d.entity_id === person.id)).toHaveLength(1);
    // The person's email went with it, once.
    const emailTombstones = tombstones.filter((d) => d.entity_type === "person_email");
    expect(new Set(emailTombstones.map((d) => d.entity_id)).size).toBe(emailTombstones.length);
    const audits = (await rows("audit_log")).filter(
      (e) => e.entity_id === person.id && e.action === "person.deleted",
    );
    expect(audits).toHaveLength(1);
  });

  it("parallel updates and deletes of one person: only 200, 204 and 404, one delete", async () => {
    const person = await createPerson(t.as("recruiter"));
    const res = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2
          ? t.as("recruiter").delete(`/api/v1/persons/${person.id}`)
          : t.as("recruiter").patch(`/api/v1/persons/${person.id}`, { headline: `h${i}`, tags: [`d-${i}`] }),
      ),
    );
    const s = statuses(res);
    expect(
      s.every((c) => c === 200 || c === 204 || c === 404),
      s.join(","),
    ).toBe(true);
    expect(count(s, 204)).toBe(1);
    const audits = (await rows("audit_log")).filter((e) => e.entity_id === person.id);
    expect(audits.filter((e) => e.action === "person.deleted")).toHaveLength(1);
    // No update is recorded after the delete, and nothing of the person is left.
    const deletedAt = audits.find((e) => e.action === "person.deleted")!.id as string;
    expect(audits.filter((e) => e.action === "person.updated" && String(e.id) > deletedAt)).toEqual([]);
    const taggings = (await rows("taggings")).filter((r) => r.entity_id === person.id);
    expect(taggings).toEqual([]);
  });

  it("records created for a person while it is deleted never outlive it", async () => {
    const persons = await Promise.all(Array.from({ length: 10 }, () => createPerson(t.as("recruiter"))));
    const res = await Promise.all(
      persons.flatMap((p) => [
        t.as("recruiter").post("/api/v1/activities", {
          kind: "note",
          subject_type: "person",
          subject_id: p.id,
          body: "about to go",
          at: "2026-01-01T00:00:00Z",
        }),
        t.as("recruiter").delete(`/api/v1/persons/${p.id}`),
        t.as("recruiter").post("/api/v1/tasks", { title: "Call", related_type: "person", related_id: p.id }),
        upload(t.as("recruiter"), p.id, { content: makePdf(2000) }),
      ]),
    );
    // A create that came after the delete is told the person is gone (422 naming the field); one
    // that came before went with the person (201, or 404 when the delete won before the answer).
    for (const r of res) expect([201, 204, 404, 422], r.body).toContain(r.statusCode);
    const ids = persons.map((p) => p.id);
    const { db } = t.database;
    expect(await db.selectFrom("activities").select("id").where("subject_id", "in", ids).execute()).toEqual(
      [],
    );
    expect(await db.selectFrom("tasks").select("id").where("related_id", "in", ids).execute()).toEqual([]);
    expect(await db.selectFrom("attachments").select("id").where("entity_id", "in", ids).execute()).toEqual(
      [],
    );
    expect(await blobKeys(t, t.a.id)).toEqual([]);
  });

  it("parallel stage moves of one application record an unbroken chain of stage events", async () => {
    const job = await createJob(t.as("recruiter"));
    const person = await createPerson(t.as("recruiter"));
    const app = await t
      .as("recruiter")
      .post("/api/v1/applications", { person_id: person.id, job_id: job.id });
    expect(app.statusCode, app.body).toBe(201);
    const { id, stage_id: first } = app.json() as { id: string; stage_id: string };
    const stages = (await t.as("viewer").get(`/api/v1/pipeline-stages?job_id=${job.id}`)).json().data as {
      id: string;
    }[];
    const targets = stages.map((s) => s.id).filter((s) => s !== first);
    const res = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        t.as("recruiter").post(`/api/v1/applications/${id}/move`, { stage_id: targets[i % targets.length] }),
      ),
    );
    expect(statuses(res)).toEqual(Array(16).fill(200));
    const events = (await t.as("viewer").get(`/api/v1/stage-events?application_id=${id}&limit=200`)).json()
      .data as { id: string; from_stage_id: string | null; to_stage_id: string }[];
    events.sort((x, y) => (x.id < y.id ? -1 : 1));
    const moves = events.filter((e) => e.from_stage_id !== null);
    // Each move starts where the previous one ended: no move read a stale stage.
    let at = first;
    for (const e of moves) {
      expect(e.from_stage_id).toBe(at);
      at = e.to_stage_id;
    }
    expect((await t.as("viewer").get(`/api/v1/applications/${id}`)).json().stage_id).toBe(at);
  });
  it("parallel revokes of one API token: all 204, one revocation in the audit log", async () => {
    const created = await t.as("admin").post("/api/v1/api-tokens", { name: "to revoke", role: "viewer" });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const res = await Promise.all(
      Array.from({ length: 10 }, () => t.as("admin").delete(`/api/v1/api-tokens/${id}`)),
    );
    expect(statuses(res)).toEqual(Array(10).fill(204));
    const audits = (await rows("audit_log")).filter(
      (e) => e.entity_id === id && e.action === "api_token.revoked",
    );
    expect(audits).toHaveLength(1);
  });

  it("backups enabled by parallel requests: enabled once in the audit log, one first backup", async () => {
    const res = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.inject({
          method: "PUT",
          url: "/api/v1/backup-schedule",
          headers: { authorization: `Bearer ${t.b.tokens.admin}`, "content-type": "application/json" },
          payload: JSON.stringify({ enabled: true }),
        }),
      ),
    );
    expect(statuses(res)).toEqual(Array(10).fill(200));
    const audits = await t.database.db
      .selectFrom("audit_log")
      .select("action")
      .where("account_id", "=", t.b.id)
      .where("action", "=", "backup_schedule.enabled")
      .execute();
    expect(audits).toHaveLength(1);
    const runs = await t.database.db
      .selectFrom("export_runs")
      .select("id")
      .where("account_id", "=", t.b.id)
      .execute();
    expect(runs).toHaveLength(1);
  });
});
