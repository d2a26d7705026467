import type { LightMyRequestResponse as Response } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { cookiesOf, csrfOf, signIn, urlencoded, type WebClient } from "./_helpers/web-client.js";

const PAGE = "/settings/data-backup";

// real: the app in-process (inject), SQLite file / PostgreSQL database.
describe.each(DIALECTS)("web forms refuse cross-site requests on %s", (dialect) => {
  let t: TestApp;
  let admin: WebClient;
  let otherSession: WebClient;

  /** POST the backup form as `admin` with exactly these fields and headers (nothing added). */
  function rawPost(form: Record<string, string>, headers: Record<string, string>): Promise<Response> {
    return t.inject({
      method: "POST",
      url: PAGE,
      headers: {
        cookie: admin.cookie,
        accept: "text/html",
        "content-type": "application/x-www-form-urlencoded",
        ...headers,
      },
      payload: urlencoded(form),
    });
  }

  async function backupsEnabled(): Promise<boolean> {
    const res = await t.as("admin").get("/api/v1/backup-schedule");
    expect(res.statusCode).toBe(200);
    return (res.json() as { enabled: boolean }).enabled;
  }

  beforeAll(async () => {
    t = await createTestApp(dialect);
    admin = await signIn(t, "admin");
    otherSession = await signIn(t, "owner"); // same account, another user and session
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    ["no _csrf field", { enabled: "on" }, { "sec-fetch-site": "same-origin" }],
    ["an empty _csrf", { enabled: "on", _csrf: "" }, { "sec-fetch-site": "same-origin" }],
    ["a wrong _csrf", { enabled: "on", _csrf: "A".repeat(43) }, { "sec-fetch-site": "same-origin" }],
  ] as const)("refuses %s with 403 and changes nothing", async (_why, form, headers) => {
    const res = await rawPost({ ...form }, { ...headers });
    expect(res.statusCode).toBe(403);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.body).toContain("This form has expired");
    expect(await backupsEnabled()).toBe(false);
  });

  it("refuses another session's CSRF token (tokens are per session, not per account or user)", async () => {
    expect(otherSession.csrf).not.toBe(admin.csrf);
    const res = await rawPost(
      { enabled: "on", _csrf: otherSession.csrf },
      { "sec-fetch-site": "same-origin" },
    );
    expect(res.statusCode).toBe(403);
    expect(await backupsEnabled()).toBe(false);
    // … and the other way round.
    const back = await otherSession.post(PAGE, { enabled: "on", _csrf: admin.csrf });
    expect(back.statusCode).toBe(403);
    expect(await backupsEnabled()).toBe(false);
  });

  it.each([
    ["sec-fetch-site: cross-site", { "sec-fetch-site": "cross-site" }],
    ["sec-fetch-site: same-site (a sibling subdomain)", { "sec-fetch-site": "same-site" }],
    ["origin: https://evil.example (no Fetch Metadata)", { origin: "https://evil.example" }],
    ["origin of another port", { origin: "http://localhost:8080" }],
  ] as const)("refuses a form from another site even with the right token: %s", async (_why, headers) => {
    const res = await rawPost({ enabled: "on", _csrf: admin.csrf }, { ...headers });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain("another site");
    expect(await backupsEnabled()).toBe(false);
  });

  it("refuses signing out from another site (the session stays)", async () => {
    const res = await t.inject({
      method: "POST",
      url: "/logout",
      headers: {
        cookie: admin.cookie,
        accept: "text/html",
        "content-type": "application/x-www-form-urlencoded",
        "sec-fetch-site": "cross-site",
      },
      payload: urlencoded({ _csrf: admin.csrf }),
    });
    expect(res.statusCode).toBe(403);
    expect((await admin.get(PAGE)).statusCode).toBe(200);
  });

  it("refuses a sign-in form without its login cookie, with another value, or from another site", async () => {
    const email = admin.email;
    const form = await t.inject({ method: "GET", url: "/login", headers: { accept: "text/html" } });
    const token = csrfOf(form.body);
    const loginCookie = [...cookiesOf(form)].map(([k, v]) => `${k}=${v}`).join("; ");
    expect(loginCookie).toMatch(/^hv_login=/);
    const post = (fields: Record<string, string>, headers: Record<string, string>) =>
      t.inject({
        method: "POST",
        url: "/login",
        headers: {
          accept: "text/html",
          "content-type": "application/x-www-form-urlencoded",
          ...headers,
        },
        payload: urlencoded({
          account: t.a.name,
          email,
          password: "correct horse battery staple",
          next: "/",
          ...fields,
        }),
      });
    const cases: [string, Response][] = [
      ["no login cookie", await post({ _csrf: token }, { "sec-fetch-site": "same-origin" })],
      ["no _csrf", await post({}, { cookie: loginCookie, "sec-fetch-site": "same-origin" })],
      [
        "a _csrf of another form",
        await post({ _csrf: "B".repeat(43) }, { cookie: loginCookie, "sec-fetch-site": "same-origin" }),
      ],
      [
        "a cookie and _csrf an attacker chose",
        await post(
          { _csrf: "C".repeat(43) },
          { cookie: `hv_login=${"D".repeat(43)}`, "sec-fetch-site": "same-origin" },
        ),
      ],
      ["cross-site", await post({ _csrf: token }, { cookie: loginCookie, "sec-fetch-site": "cross-site" })],
    ];
    for (const [why, res] of cases) {
      expect(res.statusCode, why).toBe(403);
      expect(res.headers["content-type"], why).toMatch(/^text\/html/);
      expect(
        [...cookiesOf(res).keys()].filter((k) => k.endsWith("hv_session")),
        why,
      ).toEqual([]);
    }
    // The same form with its cookie signs in.
    const ok = await post({ _csrf: token }, { cookie: loginCookie, "sec-fetch-site": "same-origin" });
    expect(ok.statusCode, ok.body).toBe(303);
  });

  it("accepts the form with the session's token from this site: 303, backups on", async () => {
    const sameOriginHeader = await rawPost(
      { enabled: "on", _csrf: admin.csrf },
      { origin: "http://localhost:80" },
    );
    expect(sameOriginHeader.statusCode, sameOriginHeader.body).toBe(303);
    expect(sameOriginHeader.headers.location).toBe(`${PAGE}?done=enabled`);
    expect(await backupsEnabled()).toBe(true);
    // Turning them off again: the helper's same-origin form post.
    const off = await admin.post(PAGE, {});
    expect(off.statusCode).toBe(303);
    expect(off.headers.location).toBe(`${PAGE}?done=disabled`);
    expect(await backupsEnabled()).toBe(false);
  });
});
