import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

describe.each(DIALECTS)("auth (%s)", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers 401 problem+json with WWW-Authenticate when no token is sent", async () => {
    const res = await t.anonymous().get("/api/v1/persons");
    expect(res.statusCode).toBe(401);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
    const body = res.json();
    expect(body).toMatchObject({
      type: "https://hirevault.dev/problems/unauthorized",
      status: 401,
      title: "Unauthorized",
    });
    expect(body.detail).toEqual(expect.any(String));
  });

  it.each([
    ["a malformed header", "Basic dXNlcjpwYXNz"],
    ["an unknown token", `Bearer hv_${"A".repeat(43)}`],
    ["garbage", "Bearer "],
    ["a token with a trailing character", "TOKEN+x"],
  ])("answers 401 with error=invalid_token for %s", async (_what, header) => {
    const value = header.startsWith("TOKEN") ? `Bearer ${t.a.tokens.viewer}x` : header;
    const res = await t.anonymous(value).get("/api/v1/persons");
    expect(res.statusCode).toBe(401);
    expect(res.headers["www-authenticate"]).toContain('error="invalid_token"');
    expect(res.json().type).toBe("https://hirevault.dev/problems/unauthorized");
  });

  it("accepts a valid token, case-insensitive scheme", async () => {
    const res = await t.anonymous(`bearer ${t.a.tokens.viewer}`).get("/api/v1/me");
    expect(res.statusCode).toBe(200);
  });

  it("GET /api/v1/me tells the account, role and token", async () => {
    const res = await t.as("recruiter").get("/api/v1/me");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      account: { id: t.a.id, name: t.a.name, time_zone: "UTC" },
      role: "recruiter",
      token: {
        id: t.a.tokenIds.recruiter,
        name: "recruiter token",
        prefix: t.a.tokens.recruiter.slice(0, 10),
      },
    });
  });

  it("refuses a revoked token", async () => {
    const { token, row } = await t.tokens.create(t.a.id, { name: "temp", role: "viewer" });
    expect((await t.anonymous(`Bearer ${token}`).get("/api/v1/me")).statusCode).toBe(200);
    const revoke = await t.as("admin").delete(`/api/v1/api-tokens/${row.id}`);
    expect(revoke.statusCode).toBe(204);
    expect((await t.anonymous(`Bearer ${token}`).get("/api/v1/me")).statusCode).toBe(401);
  });

  it("refuses an expired token", async () => {
    // An app of its own, on a clock the test moves.
    const clock = new FixedClock(new Date("2026-03-01T10:00:00.000Z"));
    const timed = await createTestApp(dialect, { clock });
    try {
      const expiresAt = new Date(clock.now().getTime() + 60_000).toISOString();
      const { token } = await timed.tokens.create(timed.a.id, { name: "short", role: "viewer", expiresAt });
      const me = () => timed.anonymous(`Bearer ${token}`).get("/api/v1/me");
      expect((await me()).statusCode).toBe(200);
      clock.advance(59_999);
      expect((await me()).statusCode).toBe(200);
      clock.advance(1);
      expect((await me()).statusCode).toBe(401);
    } finally {
      await timed.close();
    }
  });

  it("stores only the SHA-256 of a token, never the token", async () => {
    const rows = await t.database.db
      .selectFrom("api_tokens")
      .selectAll()
      .where("account_id", "=", t.a.id)
      .execute();
    for (const row of rows) {
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(Object.values(t.a.tokens)).not.toContain(row.token_hash);
    }
    expect(t.a.tokens.owner).toMatch(/^hv_[A-Za-z0-9_-]{43}$/);
  });

  it("sets x-request-id and security headers on every response", async () => {
    for (const res of [
      await t.anonymous().get("/api/v1/persons"),
      await t.as("viewer").get("/api/v1/persons"),
      await t.as("viewer").get("/api/v1/nope"),
    ]) {
      expect(res.headers["x-request-id"]).toEqual(expect.any(String));
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
    }
    const echoed = await t.as("viewer").get("/api/v1/me", { "x-request-id": "abc-123" });
    expect(echoed.headers["x-request-id"]).toBe("abc-123");
    const hostile = await t.as("viewer").get("/api/v1/me", { "x-request-id": "a b\tc" });
    expect(hostile.headers["x-request-id"]).not.toBe("a b\tc");
  });
});
