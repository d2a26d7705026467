import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createTestApp } from "../support/test-app.js";

describe("logs (docs/EXPORTS.md#links-and-downloads)", () => {
  it("never contain a token, whatever the request", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const t = await createTestApp("sqlite", { logger: pino({ level: "trace" }, sink) });
    try {
      const owner = t.a.tokens.owner;
      await t.as("owner").get("/api/v1/me");
      await t.anonymous(`Bearer ${owner}x`).get("/api/v1/persons");
      const created = await t.as("owner").post("/api/v1/api-tokens", { name: "new", role: "viewer" });
      const fresh = created.json().token as string;
      await t.anonymous(`Bearer ${fresh}`).get("/api/v1/nope");
      const link = `/downloads/${"A".repeat(40)}.B_c-d?token=secret123&X-Amz-Signature=abc987&limit=5`;
      await t.anonymous().get(link);
      t.app.log.info({ headers: { authorization: `Bearer ${owner}` }, token: owner }, "custom log");
      expect(lines.length).toBeGreaterThan(5);
      const all = lines.join("\n");
      expect(all).not.toContain(owner.slice(3));
      expect(all).not.toContain(fresh.slice(3));
      expect(all).toContain("[Redacted]");
      expect(all).not.toContain("A".repeat(40));
      expect(all).not.toContain("secret123");
      expect(all).not.toContain("abc987");
      expect(all).toContain("limit=5");
    } finally {
      await t.close();
    }
  });
});
