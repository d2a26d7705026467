import crypto from "node:crypto";
import type { InjectOptions, LightMyRequestResponse as Response } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import type { Role } from "../../src/domain/roles.js";
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from "../../src/services/web-session.service.js";
import { safeNext } from "../../src/web/web-guard.js";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestAccount, type TestApp } from "../support/test-app.js";
import { givePassword, postSignIn, signIn, TEST_PASSWORD, type WebClient } from "./_helpers/web-client.js";

const REFUSED = "The account, email or password is not right.";
const MINUTE = 60_000;

/** The raw Set-Cookie header lines of a response. */
function setCookies(res: Response): string[] {
  const raw = res.headers["set-cookie"];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

function sessionSetCookie(res: Response): string | undefined {
  return setCookies(res).find((c) => /^(__Host-)?hv_session=/.test(c));
}

function errorNotice(body: string): string | undefined {
  return /<div class="notice error"[^>]*>([\s\S]*?)<\/div>/.exec(body)?.[1];
}

// real: the app in-process (inject), SQLite file / PostgreSQL database; scrypt as in production.
describe.each(DIALECTS)("web sign-in on %s", (dialect) => {
  const clock = new FixedClock(new Date("2026-03-10T15:00:00.000Z"));
  let t: TestApp;
  let ips = 0;

  /**
   * The app as seen from a client address of its own (trust proxy is on): sign-in is limited to
   * 10 per minute per address, and this suite signs in more often than that.
   */
  function fromNewAddress(headers: Record<string, string> = {}): TestApp {
    const ip = `10.20.${Math.floor(ips / 200)}.${(ips++ % 200) + 1}`;
    return {
      ...t,
      inject: (o: InjectOptions) =>
        t.inject({ ...o, headers: { "x-forwarded-for": ip, ...headers, ...(o.headers ?? {}) } }),
    };
  }

  function signInAs(role: Role, account: TestAccount = t.a): Promise<WebClient> {
    return signIn(fromNewAddress(), role, account);
  }

  async function userRow(account: TestAccount, role: Role) {
    return t.database.db
      .selectFrom("users")
      .selectAll()
      .where("id", "=", account.userIds[role])
      .executeTakeFirstOrThrow();
  }

  async function auditRows(account: TestAccount, action: string, userId?: string) {
    let q = t.database.db
      .selectFrom("audit_log")
      .selectAll()
      .where("account_id", "=", account.id)
      .where("action", "=", action);
    if (userId) q = q.where("entity_id", "=", userId);
    return q.execute();
  }

  beforeAll(async () => {
    t = await createTestApp(dialect, { clock, trustProxy: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("signs in with an HttpOnly, SameSite=Lax session cookie, not Secure over plain HTTP; the database holds only its SHA-256", async () => {
    const email = await givePassword(t, "admin");
    const res = await postSignIn(fromNewAddress(), { account: t.a.name, email, password: TEST_PASSWORD });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe("/");
    const line = sessionSetCookie(res)!;
    expect(line).toBeDefined();
    const attrs = line.split(";").map((s) => s.trim());
    const [pair, ...flags] = attrs;
    expect(pair).toMatch(/^hv_session=hvs_[A-Za-z0-9_-]{43}$/);
    expect(flags).toContain("HttpOnly");
    expect(flags).toContain("SameSite=Lax");
    expect(flags).toContain("Path=/");
    expect(flags).toContain(`Max-Age=${SESSION_ABSOLUTE_MS / 1000}`);
    expect(flags.map((f) => f.toLowerCase())).not.toContain("secure");
    expect(flags.some((f) => /^domain=/i.test(f))).toBe(false);

    const token = pair!.slice("hv_session=".length);
    const rows = await t.database.db
      .selectFrom("web_sessions")
      .selectAll()
      .where("user_id", "=", t.a.userIds.admin)
      .execute();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.token_hash).toBe(crypto.createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(row.csrf_token).not.toBe(token);
    expect(row.ip).toMatch(/^10\.20\./);

    // The cookie opens the pages; a made-up one of the same shape does not.
    const page = await t.inject({
      method: "GET",
      url: "/settings/data-backup",
      headers: { accept: "text/html", cookie: `hv_session=${token}` },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("admin user (admin)");
    const forged = await t.inject({
      method: "GET",
      url: "/settings/data-backup",
      headers: { accept: "text/html", cookie: `hv_session=hvs_${"A".repeat(43)}` },
    });
    expect(forged.statusCode).toBe(303);
    // Stored in clear, the hash itself is no cookie either.
    const hashAsCookie = await t.inject({
      method: "GET",
      url: "/settings/data-backup",
      headers: { accept: "text/html", cookie: `hv_session=${row.token_hash}` },
    });
    expect(hashAsCookie.statusCode).toBe(303);

    expect(await auditRows(t.a, "user.signed_in", t.a.userIds.admin)).toHaveLength(1);
    expect((await userRow(t.a, "admin")).last_login_at).toBe(clock.now().toISOString());
  });

  it("over HTTPS (x-forwarded-proto behind a trusted proxy) the cookies are __Host- and Secure", async () => {
    const email = await givePassword(t, "owner");
    const https = fromNewAddress({ "x-forwarded-proto": "https" });
    const form = await https.inject({ method: "GET", url: "/login", headers: { accept: "text/html" } });
    const login = setCookies(form).find((c) => c.includes("hv_login="))!;
    expect(login).toMatch(/^__Host-hv_login=[A-Za-z0-9_-]{43}; /);
    expect(login).toMatch(/; Secure(;|$)/);
    expect(login).toContain("SameSite=Strict");

    const res = await postSignIn(https, { account: t.a.name, email, password: TEST_PASSWORD });
    expect(res.statusCode, res.body).toBe(303);
    const line = sessionSetCookie(res)!;
    const flags = line.split(";").map((s) => s.trim());
    expect(flags[0]).toMatch(/^__Host-hv_session=hvs_/);
    expect(flags).toEqual(expect.arrayContaining(["Secure", "HttpOnly", "SameSite=Lax", "Path=/"]));
    expect(flags.some((f) => /^domain=/i.test(f))).toBe(false);
    const token = flags[0]!.slice("__Host-hv_session=".length);

    const over = (proto: string, cookie: string) =>
      t.inject({
        method: "GET",
        url: "/settings/data-backup",
        headers: { accept: "text/html", cookie, "x-forwarded-proto": proto },
      });
    expect((await over("https", `__Host-hv_session=${token}`)).statusCode).toBe(200);
    // Over HTTPS only the __Host- cookie counts (a plain one could be planted over HTTP) …
    expect((await over("https", `hv_session=${token}`)).statusCode).toBe(303);
    // … and over plain HTTP the secure cookie is not read.
    expect((await over("http", `__Host-hv_session=${token}`)).statusCode).toBe(303);
  });

  it("refuses a wrong password, unknown email, unknown account, user without password and disabled user alike: 401, one message, no cookie", async () => {
    const email = await givePassword(t, "admin");
    const recruiterB = await givePassword(t, "recruiter", t.b);
    await t.database.db
      .updateTable("users")
      .set({ status: "disabled" })
      .where("id", "=", t.b.userIds.recruiter)
      .execute();
    // Later tests sign in as this user: it is active again whatever happens here.
    try {
      const viewerB = (await userRow(t.b, "viewer")).email; // never given a password
      const sessionsBefore = (await t.database.db.selectFrom("web_sessions").select("id").execute()).length;
      const wrong = "Tr0ub4dor&3-not-it";
      const cases = [
        { why: "wrong password", account: t.a.name, email, password: wrong },
        { why: "unknown email", account: t.a.name, email: `nobody@${t.a.id}.test`, password: TEST_PASSWORD },
        { why: "unknown account", account: "No Such Account", email, password: TEST_PASSWORD },
        { why: "email of another account", account: t.b.name, email, password: TEST_PASSWORD },
        { why: "no password set", account: t.b.name, email: viewerB, password: TEST_PASSWORD },
        { why: "disabled user", account: t.b.name, email: recruiterB, password: TEST_PASSWORD },
        { why: "empty password", account: t.a.name, email, password: "" },
      ];
      // All at once: scrypt runs on the thread pool, and an attacker would not wait either.
      const responses = await Promise.all(
        cases.map((c) =>
          postSignIn(fromNewAddress(), { account: c.account, email: c.email, password: c.password }),
        ),
      );
      const notices = new Set<string>();
      for (const [i, c] of cases.entries()) {
        const res = responses[i]!;
        expect(res.statusCode, c.why).toBe(401);
        expect(res.headers["content-type"], c.why).toMatch(/^text\/html/);
        expect(sessionSetCookie(res), c.why).toBeUndefined();
        expect(res.body, c.why).toContain(REFUSED);
        expect(res.body, c.why).not.toContain(c.password || "\u0000");
        notices.add(errorNotice(res.body) ?? "");
        // The form comes back filled in (but for the password).
        expect(res.body, c.why).toContain(`value="${c.email}"`);
      }
      expect(notices.size).toBe(1);
      expect(await t.database.db.selectFrom("web_sessions").select("id").execute()).toHaveLength(
        sessionsBefore,
      );

      // The known users' refusals are audited with a reason; never a password.
      const reasons = async (account: TestAccount, role: Role) =>
        (await auditRows(account, "user.sign_in_failed", account.userIds[role])).map((r) =>
          JSON.stringify(r.changes),
        );
      expect((await reasons(t.a, "admin")).join()).toMatch(/wrong password/);
      expect((await reasons(t.b, "viewer")).join()).toMatch(/no password set/);
      expect((await reasons(t.b, "recruiter")).join()).toMatch(/user disabled/);
      const all = JSON.stringify(await t.database.db.selectFrom("audit_log").selectAll().execute());
      for (const secret of [wrong, TEST_PASSWORD, "correct horse"]) expect(all).not.toContain(secret);
    } finally {
      await t.database.db
        .updateTable("users")
        .set({ status: "active" })
        .where("id", "=", t.b.userIds.recruiter)
        .execute();
    }
  });

  it("matches the email whatever its case and surrounding spaces", async () => {
    const email = await givePassword(t, "admin");
    const res = await postSignIn(fromNewAddress(), {
      account: t.a.name,
      email: `  ${email.toUpperCase()} `,
      password: TEST_PASSWORD,
    });
    expect(res.statusCode, res.body).toBe(303);
    expect(sessionSetCookie(res)).toMatch(/^hv_session=hvs_/);
  });

  it("allows 10 sign-in attempts a minute per address: the 11th is a 429 page, not JSON", async () => {
    const email = await givePassword(t, "admin");
    const attacker = fromNewAddress();
    const guesses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        postSignIn(attacker, { account: t.a.name, email, password: `guess number ${i}` }),
      ),
    );
    expect(guesses.map((r) => r.statusCode)).toEqual(Array(10).fill(401));
    const eleventh = await postSignIn(attacker, { account: t.a.name, email, password: TEST_PASSWORD });
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.headers["content-type"]).toMatch(/^text\/html/);
    expect(eleventh.body).toMatch(/^<!doctype html>/);
    expect(eleventh.headers["retry-after"]).toBeDefined();
    expect(sessionSetCookie(eleventh)).toBeUndefined();
    // The sign-in form itself still opens, and another address is not held up.
    const form = await attacker.inject({ method: "GET", url: "/login", headers: { accept: "text/html" } });
    expect(form.statusCode).toBe(200);
    const other = await postSignIn(fromNewAddress(), { account: t.a.name, email, password: TEST_PASSWORD });
    expect(other.statusCode).toBe(303);
  });

  it("honours `next` on this site only", async () => {
    const email = await givePassword(t, "admin");
    const to = async (next: string) =>
      (await postSignIn(fromNewAddress(), { account: t.a.name, email, password: TEST_PASSWORD, next }))
        .headers.location;
    expect(await to("/settings/data-backup")).toBe("/settings/data-backup");
    expect(await to("//evil.example")).toBe("/");
    expect(await to("https://evil.example")).toBe("/");
    expect(await to("/日本")).toBe("/"); // signed in, not a 500 for a path no Location header can hold

    // The sign-in page of a signed-in user sends them to `next` at once: every spelling checked.
    const admin = await signInAs("admin");
    const bounce = async (next: string) =>
      (await admin.get(`/login?next=${encodeURIComponent(next)}`)).headers.location;
    expect(await bounce("/settings/snapshots?x=1")).toBe("/settings/snapshots?x=1");
    for (const evil of [
      "//evil.example",
      "https://evil.example",
      "/\\evil",
      "\\\\evil.example",
      "/\\/evil.example",
      "///evil.example",
      " //evil.example",
      "/\t/evil.example",
      "javascript:alert(1)",
      "evil.example",
      // Not a browser's percent-encoded path: Node cannot put these in a Location header (was a 500).
      "/日本",
      "/a\u0001b",
      "/a\r\nSet-Cookie: x=1",
    ]) {
      expect(await bounce(evil), JSON.stringify(evil)).toBe("/");
      expect(safeNext(evil), JSON.stringify(evil)).toBe("/");
    }
    // The signed-out form carries `next` escaped in a hidden field; a foreign one becomes `/`.
    const form = await t.inject({
      method: "GET",
      url: `/login?next=${encodeURIComponent('/settings/data-export?a="><b>')}`,
      headers: { accept: "text/html" },
    });
    expect(form.body).toContain('name="next" value="/settings/data-export?a=&quot;&gt;&lt;b&gt;"');
    const foreign = await t.inject({
      method: "GET",
      url: "/login?next=%2F%2Fevil.example",
      headers: { accept: "text/html" },
    });
    expect(foreign.body).toContain('name="next" value="/"');
  });

  it("ends a session after 2 hours without a request", async () => {
    const admin = await signInAs("admin");
    clock.advance(SESSION_IDLE_MS - MINUTE);
    expect((await admin.get("/settings/data-backup")).statusCode).toBe(200);
    clock.advance(SESSION_IDLE_MS - MINUTE); // each request counts as activity
    expect((await admin.get("/settings/data-backup")).statusCode).toBe(200);
    clock.advance(SESSION_IDLE_MS);
    const res = await admin.get("/settings/data-backup");
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent("/settings/data-backup")}`);
    const left = await t.database.db
      .selectFrom("web_sessions")
      .select("id")
      .where("user_id", "=", admin.userId)
      .execute();
    expect(left).toEqual([]);
  });

  it("ends a session 12 hours after sign-in however active it is", async () => {
    const admin = await signInAs("admin");
    for (let elapsed = 30; elapsed < 12 * 60; elapsed += 30) {
      clock.advance(30 * MINUTE);
      expect((await admin.get("/settings/data-backup")).statusCode, `after ${elapsed} min`).toBe(200);
    }
    clock.advance(30 * MINUTE); // 12 h
    const res = await admin.get("/settings/data-backup");
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/login\?next=/);
  });

  it("signs out: the session is deleted (its cookie no longer works) and audited", async () => {
    const admin = await signInAs("admin");
    // Signing out needs the session's CSRF token, like any other form.
    const forged = await admin.post("/logout", { _csrf: "" });
    expect(forged.statusCode).toBe(403);
    expect((await admin.get("/settings/data-backup")).statusCode).toBe(200);

    const before = (await auditRows(t.a, "user.signed_out", admin.userId)).length;
    const res = await admin.post("/logout");
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/login?signed_out=1");
    expect(sessionSetCookie(res)).toMatch(/^hv_session=; .*Max-Age=0/);
    const sessions = await t.database.db
      .selectFrom("web_sessions")
      .select("id")
      .where("user_id", "=", admin.userId)
      .execute();
    expect(sessions).toEqual([]);
    // A copy of the old cookie (another tab, a stolen value) opens nothing.
    const after = await admin.get("/settings/data-backup");
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/login\?next=/);
    expect((await auditRows(t.a, "user.signed_out", admin.userId)).length).toBe(before + 1);
    const login = await admin.get("/login?signed_out=1");
    expect(login.statusCode).toBe(200);
    expect(login.body).toContain("You are signed out.");
  });

  it("setting a new password ends the user's sessions", async () => {
    const owner = await signInAs("owner");
    const other = await signInAs("admin"); // another user's session is left alone
    expect((await owner.get("/settings/data-backup")).statusCode).toBe(200);
    await givePassword(t, "owner", t.a, "a brand new passphrase");
    expect((await owner.get("/settings/data-backup")).statusCode).toBe(303);
    expect((await other.get("/settings/data-backup")).statusCode).toBe(200);
    const old = await postSignIn(fromNewAddress(), {
      account: t.a.name,
      email: owner.email,
      password: TEST_PASSWORD,
    });
    expect(old.statusCode).toBe(401);
    const fresh = await postSignIn(fromNewAddress(), {
      account: t.a.name,
      email: owner.email,
      password: "a brand new passphrase",
    });
    expect(fresh.statusCode).toBe(303);
  });

  it("a role changed to recruiter takes effect on the next page (403); disabling the user ends the session", async () => {
    const admin = await signInAs("admin", t.b);
    expect((await admin.get("/settings/data-backup")).statusCode).toBe(200);
    await t.database.db
      .updateTable("users")
      .set({ role: "recruiter" })
      .where("id", "=", admin.userId)
      .execute();
    try {
      const refused = await admin.get("/settings/data-backup");
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain("Owners and admins only");
      expect(refused.body).toContain("signed in as a recruiter");
      const refusedPost = await admin.post("/settings/data-backup", { enabled: "on" });
      expect(refusedPost.statusCode).toBe(403);
      const home = await admin.get("/");
      expect(home.statusCode).toBe(200);
    } finally {
      await t.database.db
        .updateTable("users")
        .set({ role: "admin" })
        .where("id", "=", admin.userId)
        .execute();
    }
    const schedule = await t.as("admin", t.b).get("/api/v1/backup-schedule");
    expect(schedule.json()).toMatchObject({ enabled: false });

    await t.database.db
      .updateTable("users")
      .set({ status: "disabled" })
      .where("id", "=", admin.userId)
      .execute();
    try {
      expect((await admin.get("/")).statusCode).toBe(303);
    } finally {
      await t.database.db
        .updateTable("users")
        .set({ status: "active" })
        .where("id", "=", admin.userId)
        .execute();
    }
    // The session was deleted, not merely refused: re-enabling the user does not revive it.
    expect((await admin.get("/")).statusCode).toBe(303);
  });
});
