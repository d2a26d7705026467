import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

describe.each(DIALECTS)("rate limit (%s)", (dialect) => {
  describe("headers", () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, { rateLimitMax: 1000 });
    });
    afterAll(async () => {
      await t?.close();
    });

    it("x-ratelimit-* headers are on 200, 401, 403, 404 and 422 answers", async () => {
      const answers = [
        [200, await t.as("viewer").get("/api/v1/persons")],
        [401, await t.anonymous().get("/api/v1/persons")],
        [403, await t.as("viewer").post("/api/v1/persons", { first_name: "A", last_name: "B" })],
        [404, await t.as("viewer").get("/api/v1/nothing-here")],
        [404, await t.as("viewer").get("/api/v1/persons/01890000-0000-7000-8000-000000000000")],
        [422, await t.as("recruiter").post("/api/v1/persons", {})],
        [400, await t.as("viewer").get("/api/v1/persons?limit=0")],
      ] as const;
      for (const [status, res] of answers) {
        expect(res.statusCode).toBe(status);
        expect(res.headers["x-ratelimit-limit"], `${status}`).toBe("1000");
        expect(Number(res.headers["x-ratelimit-remaining"])).toBeLessThan(1000);
        expect(Number(res.headers["x-ratelimit-reset"])).toBeGreaterThan(0);
      }
    });

    it("counts per token: each token has its own bucket", async () => {
      const first = await t.as("owner").get("/api/v1/me");
      const second = await t.as("owner").get("/api/v1/me");
      expect(Number(second.headers["x-ratelimit-remaining"])).toBe(
        Number(first.headers["x-ratelimit-remaining"]) - 1,
      );
      const other = await t.as("owner", t.b).get("/api/v1/me");
      expect(Number(other.headers["x-ratelimit-remaining"])).toBeGreaterThan(
        Number(second.headers["x-ratelimit-remaining"]),
      );
    });
  });

  describe("429", () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, { rateLimitMax: 3 });
    });
    afterAll(async () => {
      await t?.close();
    });

    it("after the limit: 429 problem+json with retry-after; other tokens unaffected", async () => {
      const viewer = t.as("viewer");
      for (let i = 0; i < 3; i++) expect((await viewer.get("/api/v1/me")).statusCode).toBe(200);
      const limited = await viewer.get("/api/v1/me");
      expect(limited.statusCode).toBe(429);
      expect(limited.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(limited.json()).toMatchObject({
        type: "https://hirevault.dev/problems/rate-limited",
        status: 429,
      });
      expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
      expect(limited.headers["x-ratelimit-remaining"]).toBe("0");
      expect(limited.headers["x-ratelimit-limit"]).toBe("3");
      // Another token of the same account has its own budget.
      expect((await t.as("admin").get("/api/v1/me")).statusCode).toBe(200);
    });

    it("requests without a valid token share the client IP's bucket", async () => {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++)
        codes.push((await t.anonymous(`Bearer hv_bogus${i}`).get("/api/v1/me")).statusCode);
      expect(codes).toEqual([401, 401, 401, 429]);
    });
  });
});
