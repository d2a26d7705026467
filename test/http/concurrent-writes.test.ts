import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createPerson } from "./_helpers/fixtures.js";

const statuses = (rs: { statusCode: number }[]) => rs.map((r) => r.statusCode).sort();

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
});
