import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import { ValidationError } from "../../src/domain/errors.js";
import { AccountRepository } from "../../src/repositories/account.repository.js";
import { ApiTokenService, hashToken } from "../../src/services/api-token.service.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../support/dialects.js";

describe.each(DIALECTS)("ApiTokenService (%s)", (dialect) => {
  let database: TestDatabase;
  let tokens: ApiTokenService;
  let accountId: string;
  const clock = new FixedClock(new Date("2026-05-01T12:00:00.000Z"));

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    tokens = new ApiTokenService(database.db, clock);
    accountId = (await new AccountRepository(database.db, clock).create({ name: "Tokens Inc" })).id;
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("creates hv_ + 43 base64url chars, stores the SHA-256 and a 10-char prefix", async () => {
    const { token, row } = await tokens.create(accountId, { name: "ci", role: "viewer" });
    expect(token).toMatch(/^hv_[A-Za-z0-9_-]{43}$/);
    expect(row.token_prefix).toBe(token.slice(0, 10));
    const stored = await database.db
      .selectFrom("api_tokens")
      .selectAll()
      .where("id", "=", row.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(await tokens.verify(token)).toEqual({ accountId, tokenId: row.id, role: "viewer", userId: null });
  });

  it("verify refuses unknown, tampered, revoked and expired tokens", async () => {
    const { token, row } = await tokens.create(accountId, {
      name: "x",
      role: "admin",
      expiresAt: "2026-05-01T13:00:00Z",
    });
    // Flip the last character to a different one (setting it to a fixed "A" is a no-op 1 time in 64).
    const tampered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    expect(tampered).not.toBe(token);
    expect(await tokens.verify(tampered)).toBeNull();
    expect(await tokens.verify("")).toBeNull();
    expect(await tokens.verify("hv_")).toBeNull();
    clock.advance(60 * 60 * 1000);
    expect(await tokens.verify(token)).toBeNull();
    clock.set(new Date("2026-05-01T12:00:00.000Z"));
    expect(await tokens.verify(token)).not.toBeNull();
    await tokens.revoke(accountId, row.id);
    expect(await tokens.verify(token)).toBeNull();
  });

  it("writes last_used_at at most once a minute", async () => {
    const { token, row } = await tokens.create(accountId, { name: "busy", role: "viewer" });
    const lastUsed = async () =>
      await database.db
        .selectFrom("api_tokens")
        .select(["last_used_at", "updated_at"])
        .where("id", "=", row.id)
        .executeTakeFirstOrThrow();
    await tokens.verify(token);
    const first = await lastUsed();
    expect(first.last_used_at).toBe(clock.now().toISOString());
    clock.advance(30_000);
    await tokens.verify(token);
    expect((await lastUsed()).last_used_at).toBe(first.last_used_at);
    clock.advance(31_000);
    await tokens.verify(token);
    const later = await lastUsed();
    expect(later.last_used_at).toBe(clock.now().toISOString());
    // Use is not a change: updated_at (which drives updated_since sync) stays.
    expect(later.updated_at).toBe(first.updated_at);
  });

  it("validates its input and never accepts a user of another account", async () => {
    await expect(tokens.create(accountId, { name: " ", role: "viewer" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(tokens.create(accountId, { name: "x", role: "root" as never })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      tokens.create(accountId, { name: "x", role: "viewer", expiresAt: "2020-01-01T00:00:00Z" }),
    ).rejects.toThrow(/future/);
    await expect(
      tokens.create(accountId, { name: "x", role: "viewer", userId: "01890000-0000-7000-8000-000000000000" }),
    ).rejects.toThrow(/user/);
  });

  it("revoke of another account's token is not found", async () => {
    const other = (await new AccountRepository(database.db, clock).create({ name: "Other Inc" })).id;
    const { row } = await tokens.create(other, { name: "theirs", role: "owner" });
    await expect(tokens.revoke(accountId, row.id)).rejects.toThrow(/not found/);
  });
});
