/**
 * Settings › Snapshots (docs/EXPORTS.md#the-snapshot, docs/EXPORTS.md#links-and-downloads) through
 * the real forms, app.inject (no port): who may open it, requesting a snapshot (CSRF-checked, never
 * held by a pending invoice), the list newest first, the zip downloaded through its link, and times
 * on the account's clock.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import type { ExportRunner } from "../../src/jobs/export-runner.js";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createTestRunner, type TestRunner } from "../support/test-runner.js";
import { signIn, type WebClient } from "./_helpers/web-client.js";

const T0 = new Date("2026-11-24T10:00:00Z");
const PAGE = "/settings/snapshots";
const never = new AbortController().signal;

/** The hrefs of the download links on the page, in page order. */
function downloadHrefs(body: string): string[] {
  return [...body.matchAll(/<a class="download[^"]*" href="([^"]+)"/g)].map((m) => m[1]!);
}

// real: SQLite / PostgreSQL, the web scope with sessions and CSRF, the snapshot format and runner.
describe.each(DIALECTS)("Settings › Snapshots page (%s)", (dialect) => {
  const clock = new FixedClock(T0);
  let t: TestApp;
  let runner: ExportRunner;
  let pages: TestRunner;
  let admin: WebClient;
  let owner: WebClient;

  beforeAll(async () => {
    t = await createTestApp(dialect, { clock });
    pages = await createTestRunner(t, clock, { owner: "web-test" });
    runner = pages.runner;
    admin = await signIn(t, "admin");
    owner = await signIn(t, "owner");
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
    t.database.db
      .selectFrom("export_runs")
      .select(["id", "account_id", "format", "state"])
      .orderBy("id", "desc")
      .execute();

  /** Requests a snapshot on the page and returns the newest run's id. */
  async function request(client: WebClient = admin): Promise<string> {
    const res = await client.post(`${PAGE}/request`);
    expect(res.statusCode, res.body).toBe(303);
    return (await runs())[0]!.id;
  }

  /** A snapshot requested on the page and made by the runner. */
  async function finished(): Promise<string> {
    const id = await request();
    const done = await runner.runById(id, never);
    expect(done?.state, done?.error ?? "").toBe("succeeded");
    return id;
  }

  it("renders for admins and owners: what a snapshot is, the request form, no snapshot yet", async () => {
    for (const client of [admin, owner]) {
      const res = await client.get(PAGE);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain("<h1>Snapshots</h1>");
      expect(res.body).toContain('<a href="/settings/snapshots" aria-current="page">Snapshots</a>');
      expect(res.body).toContain("<code>datapackage.json</code>");
      expect(res.body).toContain("hirevault verify");
      expect(res.body).toContain("hirevault import");
      expect(res.body).toMatch(/<form method="post" action="\/settings\/snapshots\/request">/);
      expect(res.body).toContain('<button type="submit">Request snapshot</button>');
      expect(res.body).toContain("No snapshot yet.");
    }
  });

  it("refuses recruiters and viewers (403, with the reason) and creates nothing for them", async () => {
    for (const role of ["recruiter", "viewer"] as const) {
      const client = await signIn(t, role);
      const res = await client.get(PAGE);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain("Owners and admins only");
      expect((await client.post(`${PAGE}/request`)).statusCode).toBe(403);
    }
    expect(await runs()).toEqual([]);
  });

  it("refuses a form without the session's CSRF token (403) and creates no run", async () => {
    for (const _csrf of ["", "not-the-token"]) {
      const res = await admin.post(`${PAGE}/request`, { _csrf });
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain("This form has expired");
    }
    expect(await runs()).toEqual([]);
  });

  it("a request queues at once, though an invoice is pending, and the page follows it", async () => {
    const invoice = await t.as("owner").post("/api/v1/invoices", {
      number: "INV-SNAP-1",
      amount_cents: 100,
      currency: "EUR",
      due_date: "2026-12-08",
    });
    expect(invoice.statusCode, invoice.body).toBe(201);
    const res = await admin.post(`${PAGE}/request`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${PAGE}?done=requested`);
    const all = await runs();
    expect(all).toEqual([
      expect.objectContaining({ account_id: t.a.id, format: "snapshot", state: "queued" }),
    ]);
    const page = await admin.get(res.headers.location as string);
    expect(page.body).toContain("The snapshot has started.");
    expect(page.body).toContain('<span class="state state-queued">Queued</span>');
    expect(page.body).toContain(`data-status-url="/settings/exports/${all[0]!.id}/status"`);
    expect(page.body).toContain('http-equiv="refresh"');
    expect(page.body).not.toContain("INV-SNAP-1");
    expect((await owner.post(`${PAGE}/request`)).headers.location).toBe(`${PAGE}?done=joined`);
    expect(await runs()).toHaveLength(1);
  });

  it("a finished snapshot has a download link to its zip; a newer request is listed above it", async () => {
    await finished();
    const ready = await admin.get(PAGE);
    expect(ready.body).toContain('<span class="state state-succeeded">Ready</span>');
    expect(ready.body).not.toContain('http-equiv="refresh"');
    const [href] = downloadHrefs(ready.body);
    expect(href).toMatch(/^\/downloads\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    // The link expires 7 days after the snapshot finished.
    expect(ready.body).toContain('<time datetime="2026-12-01T10:00:00.000Z"');
    const zip = await t.inject({ method: "GET", url: href! });
    expect(zip.statusCode).toBe(200);
    expect(zip.headers["content-type"]).toBe("application/zip");
    expect(zip.rawPayload.subarray(0, 2).toString("latin1")).toBe("PK");
    expect(ready.body).toMatch(/<td data-label="Size">\d[^<]*(bytes|KB|MB)<\/td>/);

    await request();
    const both = await admin.get(PAGE);
    const queuedAt = both.body.indexOf("state-queued");
    const readyAt = both.body.indexOf("state-succeeded");
    expect(queuedAt).toBeGreaterThan(0);
    expect(readyAt).toBeGreaterThan(queuedAt); // newest first
    expect(downloadHrefs(both.body)).toHaveLength(1);
  });

  it("shows times on the account's clock (America/New_York)", async () => {
    await t.database.db
      .updateTable("accounts")
      .set({ time_zone: "America/New_York" })
      .where("id", "=", t.a.id)
      .execute();
    await finished();
    const res = await admin.get(PAGE);
    expect(res.body).toMatch(
      /<time datetime="2026-11-24T10:00:00.000Z"[^>]*>24 Nov 2026, 05:00 GMT-5<\/time>/,
    );
    expect(res.body).toMatch(
      /<time datetime="2026-12-01T10:00:00.000Z"[^>]*>1 Dec 2026, 05:00 GMT-5<\/time>/,
    );
    expect(res.body).not.toContain("UTC</time>");
  });
});
