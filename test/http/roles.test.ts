import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../src/domain/roles.js";
import { DIALECTS } from "../support/dialects.js";
import { insertUser } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createPerson } from "./_helpers/fixtures.js";

const ALL: Role[] = ["viewer", "recruiter", "admin", "owner"];
const atLeast = (min: Role) => ALL.slice(ALL.indexOf(min));

describe.each(DIALECTS)("role matrix (%s)", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  // Reads: the minimum role of each (catalog `readRole`, default viewer).
  it.each([
    ["/api/v1/persons", "viewer"],
    ["/api/v1/jobs", "viewer"],
    ["/api/v1/attachments", "viewer"],
    ["/api/v1/deletions", "viewer"],
    ["/api/v1/users", "viewer"],
    ["/api/v1/audit-log", "admin"],
    ["/api/v1/api-tokens", "admin"],
    ["/api/v1/invoices", "admin"],
  ] as [string, Role][])("GET %s needs %s", async (url, min) => {
    for (const role of ALL) {
      const res = await t.as(role).get(url);
      const allowed = atLeast(min).includes(role);
      expect(res.statusCode, `${role} ${url}`).toBe(allowed ? 200 : 403);
      if (!allowed) expect(res.json().type).toBe("https://hirevault.dev/problems/forbidden");
    }
  });

  it("a viewer reads persons but cannot create, update or delete them", async () => {
    const person = await createPerson(t.as("recruiter"));
    const viewer = t.as("viewer");
    expect((await viewer.get(`/api/v1/persons/${person.id}`)).statusCode).toBe(200);
    expect((await viewer.post("/api/v1/persons", { first_name: "V", last_name: "W" })).statusCode).toBe(403);
    expect((await viewer.patch(`/api/v1/persons/${person.id}`, { headline: "x" })).statusCode).toBe(403);
    expect((await viewer.delete(`/api/v1/persons/${person.id}`)).statusCode).toBe(403);
    expect((await viewer.get(`/api/v1/persons/${person.id}`)).json().headline).toBeNull();
  });

  it("403 comes before body validation (no schema details for the unauthorized)", async () => {
    const res = await t.as("viewer").post("/api/v1/persons", { nonsense: true });
    expect(res.statusCode).toBe(403);
  });

  it("a recruiter creates, updates and deletes core entities", async () => {
    const r = t.as("recruiter");
    const person = await createPerson(r);
    const patched = await r.patch(`/api/v1/persons/${person.id}`, { headline: "Engineer" });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().headline).toBe("Engineer");
    const company = await r.post("/api/v1/companies", { name: "Initech", enrichment: { employees: 120 } });
    expect(company.statusCode).toBe(201);
    expect(company.json().enrichment).toEqual({ employees: 120 });
    expect((await r.delete(`/api/v1/persons/${person.id}`)).statusCode).toBe(204);
    expect((await r.get(`/api/v1/persons/${person.id}`)).statusCode).toBe(404);
  });

  it("only admins and owners define custom fields and stage definitions", async () => {
    const body = { entity_type: "person", key: "salary", label: "Salary", type: "number" };
    expect((await t.as("recruiter").post("/api/v1/custom-field-definitions", body)).statusCode).toBe(403);
    expect((await t.as("admin").post("/api/v1/custom-field-definitions", body)).statusCode).toBe(201);
    const stage = { name: "Screen", position: 1, type: "screen" };
    expect((await t.as("recruiter").post("/api/v1/stage-definitions", stage)).statusCode).toBe(403);
    expect((await t.as("admin").post("/api/v1/stage-definitions", stage)).statusCode).toBe(201);
  });

  it("only owners write invoices; admins read them", async () => {
    const invoice = { number: "INV-1", amount_cents: 9900, currency: "EUR", due_date: "2026-12-31" };
    expect((await t.as("admin").post("/api/v1/invoices", invoice)).statusCode).toBe(403);
    const created = await t.as("owner").post("/api/v1/invoices", invoice);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ number: "INV-1", status: "pending" });
    expect((await t.as("admin").get(`/api/v1/invoices/${created.json().id}`)).statusCode).toBe(200);
    expect(
      (await t.as("admin").patch(`/api/v1/invoices/${created.json().id}`, { status: "paid" })).statusCode,
    ).toBe(403);
  });

  it("API tokens: admins create and revoke; nobody mints a token above their own role", async () => {
    expect(
      (await t.as("recruiter").post("/api/v1/api-tokens", { name: "x", role: "viewer" })).statusCode,
    ).toBe(403);
    expect((await t.as("admin").post("/api/v1/api-tokens", { name: "x", role: "owner" })).statusCode).toBe(
      403,
    );
    const res = await t.as("admin").post("/api/v1/api-tokens", { name: "CI export", role: "admin" });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created.token).toMatch(/^hv_[A-Za-z0-9_-]{43}$/);
    expect(created).not.toHaveProperty("token_hash");
    expect(res.headers.location).toBe(`/api/v1/api-tokens/${created.id}`);
    const me = await t.anonymous(`Bearer ${created.token}`).get("/api/v1/me");
    expect(me.json()).toMatchObject({ role: "admin", token: { id: created.id, name: "CI export" } });
    // Listing never shows the hash or the token again.
    const list = await t.as("admin").get("/api/v1/api-tokens?limit=200");
    expect(list.body).not.toContain(created.token);
    expect(list.body).not.toContain("token_hash");
    expect((await t.as("recruiter").delete(`/api/v1/api-tokens/${created.id}`)).statusCode).toBe(403);
    expect((await t.as("admin").delete(`/api/v1/api-tokens/${created.id}`)).statusCode).toBe(204);
    expect((await t.as("admin").delete(`/api/v1/api-tokens/${created.id}`)).statusCode).toBe(204);
    expect((await t.anonymous(`Bearer ${created.token}`).get("/api/v1/me")).statusCode).toBe(401);
  });

  it("a token acts only for an active user whose role the creator may act as", async () => {
    const mint = (userId: string, role = "admin") =>
      t.as("admin").post("/api/v1/api-tokens", { name: "bound", role, user_id: userId });
    // An admin cannot mint a token that the audit log would then record as the owner's doing.
    const above = await mint(t.a.userIds.owner);
    expect(above.statusCode, above.body).toBe(403);
    expect(above.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(above.json().errors.map((e: { field: string }) => e.field)).toEqual(["user_id"]);
    // Not for an invited or disabled team member either.
    for (const status of ["invited", "disabled"] as const) {
      const id = await insertUser(t.database.db, {
        accountId: t.a.id,
        role: "viewer",
        status,
        name: `${status} user`,
      });
      const res = await mint(id, "viewer");
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(["user_id"]);
    }
    // Nothing was created by the refusals; the admin's own and lower users are fine.
    const bound = await t.database.db
      .selectFrom("api_tokens")
      .select("user_id")
      .where("account_id", "=", t.a.id)
      .where("name", "=", "bound")
      .execute();
    expect(bound).toEqual([]);
    expect((await mint(t.a.userIds.admin)).statusCode).toBe(201);
    expect((await mint(t.a.userIds.recruiter, "recruiter")).statusCode).toBe(201);
    // An owner may bind a token to the owner.
    const byOwner = await t.as("owner").post("/api/v1/api-tokens", {
      name: "owner's",
      role: "owner",
      user_id: t.a.userIds.owner,
    });
    expect(byOwner.statusCode, byOwner.body).toBe(201);
  });

  it("a token tied to a demoted or disabled user loses its rights", async () => {
    const { token } = await t.tokens.create(t.a.id, {
      name: "ex-admin",
      role: "admin",
      userId: t.a.userIds.recruiter,
    });
    // The user is a recruiter: the admin token acts as a recruiter.
    expect((await t.anonymous(`Bearer ${token}`).get("/api/v1/me")).json().role).toBe("recruiter");
    expect((await t.anonymous(`Bearer ${token}`).get("/api/v1/audit-log")).statusCode).toBe(403);
    await t.database.db
      .updateTable("users")
      .set({ status: "disabled" })
      .where("id", "=", t.a.userIds.recruiter)
      .execute();
    try {
      expect((await t.anonymous(`Bearer ${token}`).get("/api/v1/me")).statusCode).toBe(401);
    } finally {
      await t.database.db
        .updateTable("users")
        .set({ status: "active" })
        .where("id", "=", t.a.userIds.recruiter)
        .execute();
    }
  });

  it("writes are audited with the acting user, never the token", async () => {
    const person = await createPerson(t.as("recruiter"));
    const log = await t.as("admin").get(`/api/v1/audit-log?entity_id=${person.id}`);
    expect(log.statusCode).toBe(200);
    const entries = log.json().data as Record<string, unknown>[];
    expect(entries.length).toBeGreaterThan(0);
    expect(entries[0]).toMatchObject({ actor_type: "user", actor_id: t.a.userIds.recruiter });
    expect(log.body).not.toContain(t.a.tokens.recruiter);
  });
});
