/**
 * Settings › Data Export (docs/EXPORTS.md#the-full-data-export,
 * docs/EXPORTS.md#links-and-downloads) through the real forms, app.inject (no port): who may open
 * it, requesting a full export (CSRF-checked), waiting for a pending invoice, the master CSV link
 * once the runner has made it, revoking it, and times on the account's clock.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import type { ExportRunner } from "../../src/jobs/export-runner.js";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createTestRunner, type TestRunner } from "../support/test-runner.js";
import { signIn, type WebClient } from "./_helpers/web-client.js";

const T0 = new Date("2026-11-24T10:00:00Z");
const PAGE = "/settings/data-export";
const never = new AbortController().signal;

/** The href of the master CSV link on the page, if there is one. */
function masterHref(body: string): string | undefined {
  return /<a class="download[^"]*" href="([^"]+)"[^>]*>Download the master CSV<\/a>/.exec(body)?.[1];
}

// real: SQLite / PostgreSQL, the web scope with sessions and CSRF, the full format and runner.
describe.each(DIALECTS)("Settings › Data Export page (%s)", (dialect) => {
  const clock = new FixedClock(T0);
  let t: TestApp;
  let runner: ExportRunner;
  let pages: TestRunner;
  let admin: WebClient;
  let owner: WebClient;
  let adminB: WebClient;

  beforeAll(async () => {
    t = await createTestApp(dialect, { clock });
    pages = await createTestRunner(t, clock, { owner: "web-test" });
    runner = pages.runner;
    admin = await signIn(t, "admin");
    owner = await signIn(t, "owner");
    adminB = await signIn(t, "admin", t.b);
  });
  afterAll(async () => {
    await t?.close();
    await pages?.close();
  });
  beforeEach(async () => {
    const { db } = t.database;
    await db.deleteFrom("outbox_emails").execute();
    await db.deleteFrom("export_artifacts").execute();
    await db.deleteFrom("export_runs").execute();
    await db.deleteFrom("invoices").execute();
    await db.updateTable("accounts").set({ time_zone: "UTC" }).execute();
  });

  const runs = () =>
    t.database.db.selectFrom("export_runs").select(["id", "account_id", "format", "state"]).execute();

  /** Requests a full export through the page as `client` and returns the new run's id. */
  async function request(client: WebClient = admin): Promise<string> {
    const res = await client.post(`${PAGE}/request`);
    expect(res.statusCode, res.body).toBe(303);
    const run = await t.database.db
      .selectFrom("export_runs")
      .select("id")
      .where("format", "=", "full")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    return run.id;
  }

  /** A full export requested on the page and made by the runner. */
  async function finished(): Promise<string> {
    const id = await request();
    const done = await runner.runById(id, never);
    expect(done?.state, done?.error ?? "").toBe("succeeded");
    return id;
  }

  it("renders for admins and owners: the explanation, the request form, no export yet", async () => {
    for (const client of [admin, owner]) {
      const res = await client.get(PAGE);
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.body).toContain("<h1>Data Export</h1>");
      expect(res.body).toContain('<a href="/settings/data-export" aria-current="page">Data Export</a>');
      expect(res.body).toContain("master CSV");
      expect(res.body).toContain("Internal CVs");
      expect(res.body).toContain("7 days");
      expect(res.body).toMatch(/<form method="post" action="\/settings\/data-export\/request">/);
      expect(res.body).toContain('<button type="submit">Request full export</button>');
      expect(res.body).toContain("No full export yet.");
      expect(res.body).not.toContain('http-equiv="refresh"');
    }
  });

  it("refuses recruiters and viewers (403, with the reason) and creates nothing for them", async () => {
    for (const role of ["recruiter", "viewer"] as const) {
      const client = await signIn(t, role);
      const res = await client.get(PAGE);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain("Owners and admins only");
      expect(res.body).toContain(`signed in as a ${role}`);
      expect((await client.post(`${PAGE}/request`)).statusCode).toBe(403);
    }
    expect(await runs()).toEqual([]);
  });

  it("a request redirects (303) to the page, which shows the queued export and refreshes itself", async () => {
    const res = await admin.post(`${PAGE}/request`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${PAGE}?done=requested`);
    const all = await runs();
    expect(all).toEqual([expect.objectContaining({ account_id: t.a.id, format: "full", state: "queued" })]);
    const page = await admin.get(res.headers.location as string);
    expect(page.body).toContain("The full export has started.");
    expect(page.body).toContain('<span class="state state-queued">Queued</span>');
    expect(page.body).toContain(`data-status-url="/settings/exports/${all[0]!.id}/status"`);
    expect(page.body).toContain('http-equiv="refresh"');
    // A second request joins the queued run.
    const again = await owner.post(`${PAGE}/request`);
    expect(again.headers.location).toBe(`${PAGE}?done=joined`);
    expect(await runs()).toHaveLength(1);
  });

  it("refuses a form without the session's CSRF token (403) and creates no run", async () => {
    for (const _csrf of ["", "not-the-token"]) {
      const res = await admin.post(`${PAGE}/request`, { _csrf });
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain("This form has expired");
    }
    // Sent from another site: refused before the token is even looked at.
    const cross = await admin.post(`${PAGE}/request`, {}, { "sec-fetch-site": "cross-site" });
    expect(cross.statusCode).toBe(403);
    expect(await runs()).toEqual([]);
  });

  it("waits for a pending invoice, lists it, and once paid and run shows a working master CSV link", async () => {
    const invoice = await t.as("owner").post("/api/v1/invoices", {
      number: "INV-WEB-7",
      amount_cents: 12_345,
      currency: "EUR",
      due_date: "2026-12-08",
    });
    expect(invoice.statusCode, invoice.body).toBe(201);
    const res = await admin.post(`${PAGE}/request`);
    expect(res.headers.location).toBe(`${PAGE}?done=waiting`);
    const id = (await runs())[0]!.id;

    const waiting = await admin.get(PAGE);
    expect(waiting.statusCode).toBe(200);
    expect(waiting.body).toContain("Waiting for payment");
    expect(waiting.body).toContain("INV-WEB-7");
    expect(waiting.body).toContain("€123.45");
    expect(waiting.body).toContain('<time datetime="2026-12-08">8 Dec 2026</time>');
    expect(waiting.body).toContain("paid or voided");
    expect(waiting.body).not.toContain("/downloads/");
    expect(await runner.runNext(never)).toBe(false); // held back

    const paid = await t.as("owner").patch(`/api/v1/invoices/${invoice.json().id}`, { status: "paid" });
    expect(paid.statusCode).toBe(200);
    expect((await runner.runById(id, never))?.state).toBe("succeeded");

    const ready = await admin.get(PAGE);
    expect(ready.body).toContain('<span class="state state-succeeded">Ready</span>');
    expect(ready.body).not.toContain("INV-WEB-7");
    expect(ready.body).not.toContain('http-equiv="refresh"');
    const href = masterHref(ready.body);
    expect(href).toMatch(/^\/downloads\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    // The link expires 7 days after the export finished (docs/EXPORTS.md#the-full-data-export).
    expect(ready.body).toContain('<time datetime="2026-12-01T10:00:00.000Z"');
    // Every part's link is in the folded file list (master, data, attachments, CVs).
    expect(ready.body.match(/href="\/downloads\//g)).toHaveLength(1 + 4);
    expect(ready.body).toContain(`action="${PAGE}/${id}/revoke" data-confirm="`);

    const csv = await t.inject({ method: "GET", url: href! });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    expect(csv.body).toContain("Internal CVs");
  });

  it("revoking the links shows the export as revoked, with no link, and the old link is refused", async () => {
    const id = await finished();
    const href = masterHref((await admin.get(PAGE)).body)!;
    expect((await t.inject({ method: "GET", url: href })).statusCode).toBe(200);

    const res = await admin.post(`${PAGE}/${id}/revoke`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${PAGE}?done=revoked`);
    const after = await admin.get(res.headers.location as string);
    expect(after.body).toContain('<span class="state state-revoked">Revoked</span>');
    expect(after.body).toContain("The export&#39;s links are revoked.");
    expect(after.body).not.toContain("/downloads/");
    expect(after.body).not.toContain("Revoke links");
    expect((await t.inject({ method: "GET", url: href })).statusCode).toBe(410);

    // The next export is the latest; the revoked one moves to the older table.
    await finished();
    const next = await admin.get(PAGE);
    expect(next.body.match(/Download the master CSV/g)).toHaveLength(1);
    const older = next.body.slice(next.body.indexOf('id="older-h"'));
    expect(older).toContain("Revoked");
  });

  it("refuses to revoke without the CSRF token, another account's export (404) or one not finished (422)", async () => {
    const id = await finished();
    expect((await admin.post(`${PAGE}/${id}/revoke`, { _csrf: "" })).statusCode).toBe(403);
    const other = await adminB.post(`${PAGE}/${id}/revoke`);
    expect(other.statusCode).toBe(404);
    expect(other.headers["content-type"]).toMatch(/^text\/html/);
    const unknown = await admin.post(`${PAGE}/01900000-0000-7000-8000-000000000000/revoke`);
    expect(unknown.statusCode).toBe(404);
    const run = await t.database.db
      .selectFrom("export_runs")
      .select("revoked_at")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(run.revoked_at).toBeNull();
    expect(masterHref((await admin.get(PAGE)).body)).toBeDefined();

    const queued = await request();
    const early = await admin.post(`${PAGE}/${queued}/revoke`);
    expect(early.statusCode).toBe(422);
    expect(early.body).toContain("only a finished export can be revoked");
    expect(early.body).toContain('role="alert"');
  });

  it("shows a failed export's reason, escaped, with no link and no revoke form", async () => {
    const id = await request();
    await t.database.db
      .updateTable("export_runs")
      .set({ state: "failed", active_key: null, error: "<script>alert(1)</script> storage refused" })
      .where("id", "=", id)
      .execute();
    const res = await admin.get(PAGE);
    expect(res.body).toContain('<span class="state state-failed">Failed</span>');
    expect(res.body).toContain("This export failed: &lt;script&gt;alert(1)&lt;/script&gt; storage refused");
    expect(res.body).not.toContain("<script>alert(1)");
    expect(res.body).not.toContain("Revoke links");
    expect(res.body).not.toContain('http-equiv="refresh"');
  });

  it("shows times on the account's clock (America/New_York)", async () => {
    await t.database.db
      .updateTable("accounts")
      .set({ time_zone: "America/New_York" })
      .where("id", "=", t.a.id)
      .execute();
    await finished();
    const res = await admin.get(PAGE);
    // Finished at 10:00 UTC = 05:00 in New York; the link expires 7 days later, same hour.
    expect(res.body).toMatch(
      /<time datetime="2026-11-24T10:00:00.000Z"[^>]*>24 Nov 2026, 05:00 GMT-5<\/time>/,
    );
    expect(res.body).toMatch(
      /<time datetime="2026-12-01T10:00:00.000Z"[^>]*>1 Dec 2026, 05:00 GMT-5<\/time>/,
    );
    expect(res.body).not.toContain("10:00 UTC");
  });
});
