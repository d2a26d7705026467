import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { signIn, type WebClient } from "./_helpers/web-client.js";

const PAGE = "/settings/api-tokens";

/** The clear token of a create response, read off `<output id="new-token">`. */
function shownToken(body: string): string {
  const m = /<output class="secret" id="new-token"[^>]*>([^<]+)<\/output>/.exec(body);
  if (!m) throw new Error("no new token on the page");
  return m[1]!.trim();
}

describe.each(DIALECTS)("web: Settings › API tokens (%s)", (dialect) => {
  let t: TestApp;
  let admin: WebClient;

  const countTokens = async (accountId = t.a.id) =>
    Number(
      (
        await t.database.db
          .selectFrom("api_tokens")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("account_id", "=", accountId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  const tokenNamed = (name: string) =>
    t.database.db
      .selectFrom("api_tokens")
      .select(["id", "account_id", "user_id", "role", "expires_at", "revoked_at", "token_prefix"])
      .where("name", "=", name)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestApp(dialect);
    admin = await signIn(t, "admin");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("creates a token and shows it once (201, copy button); it works on the API and acts for the creator", async () => {
    const res = await admin.post(PAGE, { name: "Nightly backup script", role: "admin", expires: "90d" });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers["cache-control"]).toBe("no-store");
    const token = shownToken(res.body);
    expect(token).toMatch(/^hv_[A-Za-z0-9_-]{43}$/);
    expect(res.body).toContain("will not be shown again");
    expect(res.body).toMatch(/<button type="button"[^>]*data-copy="new-token" hidden>/);

    const me = await t.anonymous(`Bearer ${token}`).get("/api/v1/me");
    expect(me.statusCode, me.body).toBe(200);
    expect(me.body).toContain(t.a.id);

    const row = await tokenNamed("Nightly backup script");
    expect(row).toMatchObject({ account_id: t.a.id, user_id: admin.userId, role: "admin", revoked_at: null });
    const days = (Date.parse(row.expires_at!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThan(90.1);

    const list = await admin.get(PAGE);
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(token);
    expect(list.body).not.toContain('id="new-token"');
    expect(list.body).toContain("Nightly backup script");
    expect(list.body).toContain(`<code>${row.token_prefix}…</code>`);
    expect(list.body).toContain("admin user"); // acts for the signed-in admin

    // No page ever carries a stored hash, of this token or any other.
    const hashes = await t.database.db.selectFrom("api_tokens").select("token_hash").execute();
    const pages = [res.body, list.body, (await admin.get("/settings/audit-log")).body];
    for (const body of pages) for (const { token_hash } of hashes) expect(body).not.toContain(token_hash);
  });

  it("offers only roles up to the creator's own, and refuses an admin minting an owner token", async () => {
    const form = await admin.get(PAGE);
    expect(form.body).toContain('<option value="admin"');
    expect(form.body).not.toContain('<option value="owner"');
    const owner = await signIn(t, "owner");
    expect((await owner.get(PAGE)).body).toContain('<option value="owner"');

    const before = await countTokens();
    const res = await admin.post(PAGE, { name: "Escalation attempt", role: "owner", expires: "never" });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain("an admin cannot create a token with the owner role");
    expect(res.body).toContain('id="role-error"');
    expect(res.body).not.toContain('id="new-token"');
    expect(await countTokens()).toBe(before);
  });

  it("re-renders validation errors next to the field (422), never a 500", async () => {
    const before = await countTokens();
    const empty = await admin.post(PAGE, { name: "   ", role: "viewer", expires: "30d" });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toMatch(/<p class="field-error" id="name-error">Name: /);
    expect(empty.body).toContain('aria-describedby="name-error"');

    const long = await admin.post(PAGE, { name: "x".repeat(201), role: "viewer", expires: "30d" });
    expect(long.statusCode).toBe(422);
    expect(long.body).toContain("use at most 200 characters");

    const badExpiry = await admin.post(PAGE, { name: "Odd expiry", role: "viewer", expires: "forever" });
    expect(badExpiry.statusCode).toBe(422);
    expect(badExpiry.body).toContain('id="expires-error"');

    const badRole = await admin.post(PAGE, { name: "Odd role", role: "superuser", expires: "30d" });
    expect(badRole.statusCode).toBe(422);
    expect(badRole.body).toContain('id="role-error"');

    const nothing = await admin.post(PAGE, {});
    expect(nothing.statusCode).toBe(422);
    expect(await countTokens()).toBe(before);
  });

  it("revokes a token after a confirm; the API then answers 401", async () => {
    const created = await admin.post(PAGE, { name: "To revoke", role: "viewer", expires: "never" });
    const token = shownToken(created.body);
    const { id } = await tokenNamed("To revoke");
    expect((await t.anonymous(`Bearer ${token}`).get("/api/v1/me")).statusCode).toBe(200);

    const list = await admin.get(PAGE);
    expect(list.body).toContain(`action="/settings/api-tokens/${id}/revoke"`);
    expect(list.body).toMatch(/data-confirm="Revoke the token “To revoke”\?/);

    const res = await admin.post(`${PAGE}/${id}/revoke`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${PAGE}?done=revoked`);
    expect((await tokenNamed("To revoke")).revoked_at).not.toBeNull();
    expect((await t.anonymous(`Bearer ${token}`).get("/api/v1/me")).statusCode).toBe(401);

    const after = await admin.get(res.headers.location as string);
    expect(after.body).toContain("The token is revoked.");
    expect(after.body).not.toContain(`action="/settings/api-tokens/${id}/revoke"`);

    const unknown = await admin.post(`${PAGE}/not-a-uuid/revoke`);
    expect(unknown.statusCode).toBe(404);
  });

  it("refuses a form without the session's CSRF token (403) and creates nothing", async () => {
    const before = await countTokens();
    const res = await admin.post(PAGE, { _csrf: "", name: "No CSRF", role: "viewer", expires: "30d" });
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('id="new-token"');
    const forged = await admin.post(PAGE, {
      _csrf: "forged",
      name: "No CSRF",
      role: "viewer",
      expires: "30d",
    });
    expect(forged.statusCode).toBe(403);
    const revoke = await admin.post(`${PAGE}/${t.a.tokenIds.viewer}/revoke`, { _csrf: "" });
    expect(revoke.statusCode).toBe(403);
    expect(await countTokens()).toBe(before);
    expect((await t.as("viewer").get("/api/v1/me")).statusCode).toBe(200);
  });

  it("shows a recruiter the refusal page (403) and lets them create or revoke nothing", async () => {
    const recruiter = await signIn(t, "recruiter");
    const res = await recruiter.get(PAGE);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain("Owners and admins only");
    expect(res.body).not.toContain("admin token");

    const before = await countTokens();
    expect(
      (await recruiter.post(PAGE, { name: "Sneaky", role: "recruiter", expires: "30d" })).statusCode,
    ).toBe(403);
    expect((await recruiter.post(`${PAGE}/${t.a.tokenIds.owner}/revoke`)).statusCode).toBe(403);
    expect(await countTokens()).toBe(before);
    expect((await t.as("owner").get("/api/v1/me")).statusCode).toBe(200);
  });

  it("keeps accounts apart: B neither sees nor revokes A's tokens", async () => {
    await admin.post(PAGE, { name: "Only in A", role: "viewer", expires: "30d" });
    const aTokens = await t.database.db
      .selectFrom("api_tokens")
      .select(["id", "token_prefix"])
      .where("account_id", "=", t.a.id)
      .execute();
    const bOwner = await signIn(t, "owner", t.b);
    const page = await bOwner.get(PAGE);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain("Only in A");
    for (const { id, token_prefix } of aTokens) {
      expect(page.body).not.toContain(id);
      expect(page.body).not.toContain(token_prefix);
    }

    const res = await bOwner.post(`${PAGE}/${t.a.tokenIds.admin}/revoke`);
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain("Token not found");
    const row = await t.database.db
      .selectFrom("api_tokens")
      .select("revoked_at")
      .where("id", "=", t.a.tokenIds.admin)
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeNull();
    expect((await t.as("admin").get("/api/v1/me")).statusCode).toBe(200);
  });
});
