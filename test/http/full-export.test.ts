/**
 * The full data export end to end (docs/EXPORTS.md#the-full-data-export,
 * docs/EXPORTS.md#links-and-downloads): requested through the API, held by the pending invoice,
 * released by paying it, run by the real runner, then every file downloaded through its signed link
 * over real HTTP, opened and checked against the database.
 */
import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import { DATA_TABLES } from "../../src/exports/formats/full/tables/index.js";
import { runPrefix } from "../../src/jobs/export-keys.js";
import type { ExportRunner } from "../../src/jobs/export-runner.js";
import { ExpireExportsTask } from "../../src/jobs/tasks/expire-exports.task.js";
import { DIALECTS } from "../support/dialects.js";
import { readCsvFile, readExport, records } from "../support/read-export.js";
import type { Client, TestApp } from "../support/test-app.js";
import { type ExportServer, startExportServer } from "./_helpers/export-server.js";

const T0 = new Date("2026-11-24T10:00:00Z");
const silent = pino({ level: "silent" });

// real: SQLite / PostgreSQL, local blob store, the full format and runner, HTTP on a loopback port.
describe.each(DIALECTS)("full export through the API and its links (%s)", (dialect) => {
  const clock = new FixedClock(T0);
  const never = new AbortController().signal;
  let server: ExportServer;
  let t: TestApp;
  let base: string;
  let runner: ExportRunner;
  let dir: string;
  let accountId: string;
  let owner: Client;
  let admin: Client;
  let adminUserId: string;
  let runId: string;
  let master: { url: string; expiresAt: string };
  let links: { part: string; url: string; sha256: string; size: number }[];
  /** Rows per table when the export finished (later downloads add audit entries). */
  const counts = new Map<string, number>();

  /** GETs `url` over HTTP and saves the body; returns the response and the file. */
  async function download(url: string, headers: Record<string, string> = {}) {
    const res = await fetch(url, { headers, redirect: "manual" });
    const file = path.join(dir, crypto.randomUUID());
    await fs.writeFile(file, Buffer.from(await res.arrayBuffer()));
    return { res, file };
  }

  beforeAll(async () => {
    server = await startExportServer(dialect, clock, { name: "full", candidates: 30 });
    ({ t, base, runner, dir, accountId } = server);
    owner = (await server.clientAs("owner")).client;
    const a = await server.clientAs("admin");
    admin = a.client;
    adminUserId = a.userId;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it("waits while an invoice is pending and starts by itself once it is paid", async () => {
    const [first, second] = await Promise.all([
      admin.post("/api/v1/exports", { format: "full" }),
      admin.post("/api/v1/exports", { format: "full" }),
    ]);
    expect(first!.statusCode).toBe(202);
    runId = first!.json().id;
    expect(second!.json().id).toBe(runId);
    expect(first!.json().state).toBe("awaiting_payment");
    const pending = first!.json().pending_invoices as { id: string; number: string }[];
    expect(pending.length).toBeGreaterThan(0);
    expect(await runner.runNext(never)).toBe(false);

    for (const inv of pending) {
      const paid = await owner.patch(`/api/v1/invoices/${inv.id}`, { status: "paid" });
      expect(paid.statusCode).toBe(200);
    }
    expect((await admin.get(`/api/v1/exports/${runId}`)).json().state).toBe("queued");
    expect(await runner.runNext(never)).toBe(true);
    for (const table of [
      "persons",
      "attachments",
      ...DATA_TABLES.flatMap((d) => (d.rowsOf ? [d.rowsOf] : [])),
    ]) {
      let q = t.database.db
        .selectFrom(table as "audit_log")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("account_id", "=", accountId);
      // Written when the run was published, after its snapshot.
      if (table === "audit_log") q = q.where("action", "!=", "export.succeeded");
      counts.set(table, Number((await q.executeTakeFirstOrThrow()).n));
    }
    const done = (await admin.get(`/api/v1/exports/${runId}`)).json();
    expect(done.state).toBe("succeeded");
    expect(done.artifacts.map((a: { part: string }) => a.part).sort()).toEqual([
      "attachments",
      "cvs",
      "data",
      "master",
    ]);
    const m = done.artifacts.find((a: { part: string }) => a.part === "master");
    master = { url: m.download_url, expiresAt: done.expires_at };
    expect(m.download_url.startsWith("/downloads/")).toBe(true);
  });

  it("the master CSV, downloaded by link, links every part; each download matches its size and SHA-256", async () => {
    const { res, file } = await download(base + master.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    const csv = await readCsvFile(file);
    expect(csv.bom).toBe(true);
    const rows = records(csv);
    expect(rows.map((r) => r.Part)).toEqual(["Data Files (CSV)", "Attachments", "Internal CVs"]);
    links = [];
    for (const [i, r] of rows.entries()) {
      expect(r.Link!.startsWith(`${base}/downloads/`)).toBe(true);
      // "Link Expires At" is the run's expiry, 7 days after it finished, with an offset.
      expect(r["Link Expires At"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
      expect(Date.parse(r["Link Expires At"]!)).toBe(Date.parse(master.expiresAt));
      expect(Date.parse(master.expiresAt) - T0.getTime()).toBe(7 * 86_400_000);
      const part = ["data", "attachments", "cvs"][i]!;
      const got = await download(r.Link!);
      expect(got.res.status, part).toBe(200);
      const bytes = await fs.readFile(got.file);
      expect(bytes.length).toBe(Number(r["Size (bytes)"]));
      expect(crypto.createHash("sha256").update(bytes).digest("hex")).toBe(r["SHA-256"]);
      expect(got.res.headers.get("content-disposition")).toContain(r["File Name"]!);
      links.push({ part, url: r.Link!, sha256: r["SHA-256"]!, size: bytes.length });
      if (part === "data") {
        const files = DATA_TABLES.map((d) => d.file);
        const data = await readExport(got.file, ["Candidates.csv", "Attachments.csv", ...files]);
        expect(data.testzip).toBeNull();
        const count = (table: string) => counts.get(table);
        expect(data.csv["Candidates.csv"]!.rows.length - 1).toBe(count("persons"));
        expect(data.csv["Attachments.csv"]!.rows.length - 1).toBe(count("attachments"));
        for (const d of DATA_TABLES)
          if (d.rowsOf) expect(data.csv[d.file]!.rows.length - 1, d.file).toBe(count(d.rowsOf));
      } else {
        const zip = await readExport(got.file);
        expect(zip.testzip).toBeNull();
        expect(zip.entries.length).toBeGreaterThan(0);
      }
    }
    // Resume: a range of the Attachments zip is exactly those bytes
    // (docs/EXPORTS.md#links-and-downloads).
    const partial = await download(links[1]!.url, { range: "bytes=0-99" });
    expect(partial.res.status).toBe(206);
    expect((await fs.readFile(partial.file)).length).toBe(100);
  });

  it("refuses other tenants, other roles, altered links, and a requester who lost the admin role", async () => {
    expect((await t.as("admin", t.b).get(`/api/v1/exports/${runId}`)).statusCode).toBe(404);
    expect((await t.as("recruiter").post("/api/v1/exports", { format: "full" })).statusCode).toBe(403);
    expect((await t.as("viewer").get("/api/v1/exports")).statusCode).toBe(403);
    const url = links[0]!.url;
    const token = url.slice(url.lastIndexOf("/") + 1);
    const flipped = token.slice(0, 10) + (token[10] === "A" ? "B" : "A") + token.slice(11);
    expect((await download(`${base}/downloads/${flipped}`)).res.status).toBe(404);
    expect((await download(`${base}/downloads/${token.slice(0, -1)}`)).res.status).toBe(404);
    // Links are signed for the requester (the admin): demoted, they answer 403; restored, 200.
    await t.database.db
      .updateTable("users")
      .set({ role: "recruiter" })
      .where("id", "=", adminUserId)
      .execute();
    expect((await download(url)).res.status).toBe(403);
    await t.database.db.updateTable("users").set({ role: "admin" }).where("id", "=", adminUserId).execute();
    expect((await download(url, { range: "bytes=0-0" })).res.status).toBe(206);
  });

  it("links answer 410 once expired (injected clock), and the sweep deletes every file", async () => {
    const expiry = Date.parse(master.expiresAt);
    clock.set(new Date(expiry - 1000));
    expect((await download(links[0]!.url, { range: "bytes=0-0" })).res.status).toBe(206);
    clock.set(new Date(expiry + 1000));
    const gone = await download(links[0]!.url);
    expect(gone.res.status).toBe(410);
    expect(JSON.parse(await fs.readFile(gone.file, "utf8")).detail).toMatch(/^Access denied/);
    expect((await download(base + master.url)).res.status).toBe(410);

    await new ExpireExportsTask(t.database.db, t.blobs, clock, silent).run();
    const left = [];
    for await (const b of t.blobs.list(runPrefix({ account_id: accountId, id: runId }))) left.push(b.key);
    expect(left).toEqual([]);
    expect((await admin.get(`/api/v1/exports/${runId}`)).json().state).toBe("expired");
    expect((await download(links[2]!.url)).res.status).toBe(410);
  });
});
