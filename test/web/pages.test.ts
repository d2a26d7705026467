import type { LightMyRequestResponse as Response } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import { NAV } from "../../src/web/layout.js";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { signIn, type WebClient } from "./_helpers/web-client.js";

const SETTINGS = [
  "/settings/data-backup",
  "/settings/data-export",
  "/settings/snapshots",
  "/settings/api-tokens",
  "/settings/audit-log",
];

/** The headers every page carries: no caching, no framing, no script but our own. */
function expectPageHeaders(res: Response, what: string): void {
  const csp = String(res.headers["content-security-policy"] ?? "");
  expect(csp, what).toMatch(/(^|;)\s*script-src 'self'(;|$)/);
  expect(csp, what).toMatch(/frame-ancestors 'none'/);
  expect(csp, what).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(res.headers["cache-control"], what).toBe("no-store");
  expect(res.headers["x-frame-options"], what).toBe("DENY");
}

// real: the app in-process (inject), SQLite file / PostgreSQL database.
describe.each(DIALECTS)("web pages on %s", (dialect) => {
  // 1 March 2026, 10:00 in New York (EST); the next monthly backup, 1 April 00:00, is in EDT.
  const clock = new FixedClock(new Date("2026-03-01T15:00:00.000Z"));
  let t: TestApp;
  let admin: WebClient;
  let recruiter: WebClient;
  let viewer: WebClient;
  const seen: [string, Response][] = [];

  async function get(client: WebClient | null, url: string): Promise<Response> {
    const res = client
      ? await client.get(url)
      : await t.inject({ method: "GET", url, headers: { accept: "text/html" } });
    seen.push([`${client?.email ?? "signed out"} GET ${url}`, res]);
    return res;
  }

  beforeAll(async () => {
    t = await createTestApp(dialect, { clock });
    await t.database.db
      .updateTable("accounts")
      .set({ time_zone: "America/New_York" })
      .where("id", "=", t.a.id)
      .execute();
    admin = await signIn(t, "admin");
    recruiter = await signIn(t, "recruiter");
    viewer = await signIn(t, "viewer");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("the navigation lists exactly the five settings pages", () => {
    expect(NAV.map((n) => n.href)).toEqual(SETTINGS);
  });

  it("sends the signed-out from every settings page to the sign-in page, keeping where they were going", async () => {
    for (const url of [...SETTINGS, "/", "/settings/data-backup?done=enabled"]) {
      const res = await get(null, url);
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location, url).toBe(`/login?next=${encodeURIComponent(url)}`);
    }
    const login = await get(null, `/login?next=${encodeURIComponent("/settings/audit-log")}`);
    expect(login.statusCode).toBe(200);
    expect(login.body).toContain('name="next" value="/settings/audit-log"');
    // A JSON client is told 401, not redirected.
    const json = await t.inject({
      method: "GET",
      url: "/settings/data-backup",
      headers: { accept: "application/json" },
    });
    expect(json.statusCode).toBe(401);
  });

  it("refuses every settings page to recruiters and viewers with a page saying it is for owners and admins", async () => {
    for (const client of [recruiter, viewer]) {
      const role = client === recruiter ? "recruiter" : "viewer";
      for (const url of SETTINGS) {
        const res = await get(client, url);
        expect(res.statusCode, `${role} ${url}`).toBe(403);
        expect(res.headers["content-type"]).toMatch(/^text\/html/);
        expect(res.body, `${role} ${url}`).toMatch(/owners and admins/i);
        expect(res.body).toContain(`signed in as a ${role}`);
        // No settings navigation for them, but a way to sign out.
        expect(res.body).not.toContain('aria-label="Settings"');
        expect(res.body).toContain('action="/logout"');
      }
    }
  });

  it("greets a recruiter on the home page and sends an admin to Data Backup", async () => {
    const home = await get(recruiter, "/");
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain("Hello, recruiter user");
    expect(home.body).toContain(t.a.name);
    expect(home.body).toMatch(/for owners and admins/);
    expect(home.body).not.toContain('aria-label="Settings"');
    const adminHome = await get(admin, "/");
    expect(adminHome.statusCode).toBe(303);
    expect(adminHome.headers.location).toBe("/settings/data-backup");
  });

  it("opens every settings page for an admin, with the navigation marking the current one", async () => {
    for (const url of SETTINGS) {
      const res = await get(admin, url);
      expect(res.statusCode, `${url}: ${res.body.slice(0, 500)}`).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/html; charset=utf-8/);
      expect(res.body).toMatch(/^<!doctype html>/);
      expect(res.body).toContain(`<a href="${url}" aria-current="page">`);
    }
  });

  it("answers an unknown page with an HTML 404 for a browser, a problem document under /api/", async () => {
    const page = await get(admin, "/no-such-page");
    expect(page.statusCode).toBe(404);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).toContain("Page not found");
    const signedOut = await t.inject({
      method: "GET",
      url: "/settings/no-such-page",
      headers: { accept: "text/html" },
    });
    expect(signedOut.statusCode).toBe(404);
    expect(signedOut.headers["content-type"]).toMatch(/^text\/html/);
    const api = await t.inject({
      method: "GET",
      url: "/api/v1/no-such-thing",
      headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
    });
    expect(api.statusCode).toBe(404);
    expect(api.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(api.json()).toMatchObject({ status: 404 });
    const curl = await t.inject({ method: "GET", url: "/no-such-page" });
    expect(curl.statusCode).toBe(404);
    expect(curl.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });

  it("escapes user data: a hostile user name and account name appear as text, never as markup", async () => {
    const userName = "<img src=x onerror=alert(1)>";
    const accountName = '"><script>x</script>';
    await t.database.db.updateTable("users").set({ name: userName }).where("id", "=", admin.userId).execute();
    await t.database.db.updateTable("accounts").set({ name: accountName }).where("id", "=", t.a.id).execute();
    try {
      const pages = [
        ...(await Promise.all(SETTINGS.map((url) => admin.get(url)))),
        await recruiter.get("/"),
        await recruiter.get("/settings/data-export"), // the refusal page
      ];
      for (const res of pages) {
        expect(res.statusCode).toBeLessThan(500);
        expect(res.body).toContain("&quot;&gt;&lt;script&gt;x&lt;/script&gt;");
        expect(res.body).not.toContain("<script>x</script>");
        expect(res.body).not.toContain('"><script>');
        expect(res.body).not.toContain("<img src=x");
      }
      for (const res of pages.slice(0, SETTINGS.length)) {
        expect(res.body).toContain("&lt;img src=x onerror=alert(1)&gt;");
      }
    } finally {
      await t.database.db
        .updateTable("users")
        .set({ name: "admin user" })
        .where("id", "=", admin.userId)
        .execute();
      await t.database.db.updateTable("accounts").set({ name: t.a.name }).where("id", "=", t.a.id).execute();
    }
  });

  it("Data Backup: the checkbox enables backups, the page shows it checked, the first backup running, times on the account's clock", async () => {
    const before = await get(admin, "/settings/data-backup");
    expect(before.body).toMatch(/<input type="checkbox" name="enabled" value="on">/);
    expect(before.body).not.toContain("Backup in progress");
    expect(before.body).toContain("No backup yet.");

    const res = await admin.post("/settings/data-backup", { enabled: "on", retention_months: "3" });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe("/settings/data-backup?done=enabled");

    const after = await get(admin, "/settings/data-backup?done=enabled");
    expect(after.statusCode).toBe(200);
    expect(after.body).toMatch(/<input type="checkbox" name="enabled" value="on" checked>/);
    expect(after.body).toContain("Monthly backups are on.");
    expect(after.body).toContain("Backup in progress");
    expect(after.body).toContain('<option value="3" selected>');
    // Without JavaScript the page refreshes itself while the backup runs.
    expect(after.body).toMatch(/<noscript><meta http-equiv="refresh" content="5[;"]/);
    // Day 1 on the account's clock (1 March, New York), and the next backup on 1 April at local
    // midnight: 04:00 UTC, as daylight saving time has started by then.
    expect(after.body).toContain("on day 1 of each month");
    expect(after.body).toContain("(America/New_York)");
    const time = /<time datetime="([^"]+)"[^>]*>([^<]+)<\/time>/.exec(after.body);
    expect(time, after.body).not.toBeNull();
    expect(time![1]).toBe("2026-04-01T04:00:00.000Z");
    expect(time![2]).toMatch(/^1 Apr 2026, 00:00 (EDT|GMT-4)$/);

    // The API sees the same schedule.
    const api = await t.as("admin").get("/api/v1/backup-schedule");
    expect(api.json()).toMatchObject({ enabled: true, day_of_month: 1, retention_months: 3 });

    // An unknown notice key shows nothing (no text from the address is reflected).
    const reflected = await get(admin, "/settings/data-backup?done=%3Cb%3Ehello%3C%2Fb%3E");
    expect(reflected.statusCode).toBe(200);
    expect(reflected.body).not.toContain("hello");
  });

  /** One of each kind of page answer: form, redirect, page, refusal, home, 404. */
  async function everyKindOfPage(): Promise<[string, Response][]> {
    const out: [string, Response][] = [];
    const add = async (what: string, client: WebClient | null, url: string) => {
      out.push([what, await get(client, url)]);
    };
    await add("sign-in form", null, "/login");
    await add("signed-out redirect", null, "/settings/audit-log");
    await add("admin redirect", admin, "/");
    await add("recruiter home", recruiter, "/");
    for (const url of SETTINGS) {
      await add(`admin ${url}`, admin, url);
      await add(`viewer ${url}`, viewer, url);
    }
    await add("not found", admin, "/no-such-page");
    return out;
  }

  it("every page response carries the page security headers", async () => {
    const pages = (await everyKindOfPage()).filter(([, res]) => res.statusCode !== 404);
    expect(new Set(pages.map(([, res]) => res.statusCode))).toEqual(new Set([200, 303, 403]));
    for (const [what, res] of [...pages, ...seen.filter(([, r]) => r.statusCode !== 404)]) {
      expectPageHeaders(res, what);
    }
  });

  // The HTML 404 is rendered by the root not-found handler, outside the web scope's hooks.
  it("the HTML 404 page carries the page security headers too", async () => {
    const notFound = (await everyKindOfPage()).filter(([, res]) => res.statusCode === 404);
    expect(notFound.length).toBe(1);
    for (const [what, res] of notFound) expectPageHeaders(res, what);
  });
});
