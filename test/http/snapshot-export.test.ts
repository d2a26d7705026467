/**
 * The snapshot end to end (docs/EXPORTS.md#the-snapshot, docs/EXPORTS.md#integrity,
 * docs/EXPORTS.md#links-and-downloads): requested through the API by an admin — never held by the
 * account's pending invoice, never emailed — made by the real runner, listed by format, downloaded
 * through its signed link over real HTTP, opened and checked against the database.
 */
import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import type { ExportRunner } from "../../src/jobs/export-runner.js";
import { DIALECTS } from "../support/dialects.js";
import { machineRecords, readMachineExport } from "../support/read-export.js";
import type { Client, TestApp } from "../support/test-app.js";
import { type ExportServer, startExportServer } from "./_helpers/export-server.js";

const T0 = new Date("2026-11-24T10:00:00Z");

// real: SQLite / PostgreSQL, local blob store, the snapshot format and runner, HTTP on a loopback port.
describe.each(DIALECTS)("snapshot export through the API and its link (%s)", (dialect) => {
  const clock = new FixedClock(T0);
  const never = new AbortController().signal;
  let server: ExportServer;
  let t: TestApp;
  let base: string;
  let runner: ExportRunner;
  let dir: string;
  let accountId: string;
  let admin: Client;
  let runId: string;
  let lost: string;

  beforeAll(async () => {
    server = await startExportServer(dialect, clock, { name: "snap", candidates: 20 });
    ({ t, base, runner, dir, accountId } = server);
    admin = (await server.clientAs("admin")).client;
    // A file lost from storage: the snapshot still succeeds and says so.
    const file = await t.database.db
      .selectFrom("attachments")
      .select(["id", "storage_key"])
      .where("account_id", "=", accountId)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    await t.blobs.delete(file.storage_key);
    lost = file.id;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it("queues at once though an invoice is pending (only the full export is gated), and succeeds", async () => {
    const pending = await t.database.db
      .selectFrom("invoices")
      .select("id")
      .where("account_id", "=", accountId)
      .where("status", "=", "pending")
      .execute();
    expect(pending.length).toBeGreaterThan(0);
    const res = await admin.post("/api/v1/exports", { format: "snapshot" });
    expect(res.statusCode).toBe(202);
    runId = res.json().id;
    expect(res.headers.location).toBe(`/api/v1/exports/${runId}`);
    expect(res.json()).toMatchObject({ format: "snapshot", state: "queued", pending_invoices: [] });
    expect(await runner.runNext(never)).toBe(true);
    const done = (await admin.get(`/api/v1/exports/${runId}`)).json();
    expect(done.state).toBe("succeeded");
    expect(done.progress.percent).toBe(100);
    expect(done.warnings).toMatchObject({ count: 1, items: [{ entity: "attachment", id: lost }] });
    expect(done.artifacts).toEqual([
      expect.objectContaining({
        part: "snapshot",
        file_name: `snap-${dialect}-snapshot-2026-11-24.zip`,
        content_type: "application/zip",
      }),
    ]);
    // No email for a snapshot: the format has no mailed part.
    const mails = await t.database.db
      .selectFrom("outbox_emails")
      .select("id")
      .where("export_run_id", "=", runId)
      .execute();
    expect(mails).toEqual([]);
  });

  it("is listed under ?format=snapshot, not under another format", async () => {
    const snaps = (await admin.get("/api/v1/exports?format=snapshot")).json().data as {
      id: string;
      format: string;
    }[];
    expect(snaps.map((r) => r.id)).toEqual([runId]);
    expect(snaps.every((r) => r.format === "snapshot")).toBe(true);
    const backups = (await admin.get("/api/v1/exports?format=backup")).json().data as { id: string }[];
    expect(backups.map((r) => r.id)).not.toContain(runId);
  });

  it("downloads by link: the zip's size and SHA-256 are the artifact's, and it holds the account's data", async () => {
    const a = (await admin.get(`/api/v1/exports/${runId}`)).json().artifacts[0];
    expect(a.download_url.startsWith("/downloads/")).toBe(true);
    const res = await fetch(base + a.download_url, { redirect: "manual" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/zip/);
    expect(res.headers.get("content-disposition")).toContain(a.file_name);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(a.size_bytes);
    expect(crypto.createHash("sha256").update(bytes).digest("hex")).toBe(a.sha256);
    const file = path.join(dir, a.file_name);
    await fs.writeFile(file, bytes);
    const snap = await readMachineExport(file);
    expect(snap.testzip).toBeNull();
    const manifest = snap.json["manifest.json"] as {
      account: { id: string };
      missing_files: { attachment_id: string }[];
    };
    expect(manifest.account.id).toBe(accountId);
    expect(manifest.missing_files.map((m) => m.attachment_id)).toEqual([lost]);
    const persons = await t.database.db
      .selectFrom("persons")
      .select("id")
      .where("account_id", "=", accountId)
      .orderBy("id")
      .execute();
    expect(machineRecords(snap.csv["persons/persons.csv"]!).map((p) => p.id)).toEqual(
      persons.map((p) => p.id),
    );
  });

  it("refuses viewers and recruiters (403) and other accounts (404)", async () => {
    for (const role of ["viewer", "recruiter"] as const) {
      expect((await t.as(role).post("/api/v1/exports", { format: "snapshot" })).statusCode).toBe(403);
      expect((await t.as(role).get("/api/v1/exports?format=snapshot")).statusCode).toBe(403);
    }
    expect((await t.as("admin", t.b).get(`/api/v1/exports/${runId}`)).statusCode).toBe(404);
  });
});
