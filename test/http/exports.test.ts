import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import { ExportRunner } from "../../src/jobs/export-runner.js";
import { seedAccount } from "../../src/seed/seed-account.js";
import { DIALECTS } from "../support/dialects.js";
import { type Client, createTestApp, type TestApp } from "../support/test-app.js";

const run = promisify(execFile);

// real: SQLite / PostgreSQL, local blob store, the backup format, app.inject (no port).
describe.each(DIALECTS)("exports and backups through the API (%s)", (dialect) => {
  let t: TestApp;
  let clock: FixedClock;
  let runner: ExportRunner;
  let tmpRoot: string;
  let seededAdmin: Client;
  let seededId: string;
  const never = new AbortController().signal;

  beforeAll(async () => {
    clock = new FixedClock(new Date("2026-11-24T10:00:00Z"));
    t = await createTestApp(dialect, { clock });
    tmpRoot = await fs.mkdtemp(path.join(os.tmpdir(), "hv-exports-tmp-"));
    runner = new ExportRunner({
      database: t.database,
      blobs: t.blobs,
      clock,
      logger: pino({ level: "silent" }),
      tmpRoot,
      owner: "test-worker",
    });
    // A seeded account (CVs, hostile names) with an admin token acting for its admin user.
    const seeded = await seedAccount({
      db: t.database.db,
      blobs: t.blobs,
      accountName: `seeded-${dialect}`,
      candidates: 12,
    });
    const adminUser = await t.database.db
      .selectFrom("users")
      .select("id")
      .where("account_id", "=", seeded.accountId)
      .where("role", "=", "admin")
      .where("status", "=", "active")
      .executeTakeFirstOrThrow();
    const { token } = await t.tokens.create(seeded.accountId, {
      name: "test",
      role: "admin",
      userId: adminUser.id,
    });
    seededAdmin = t.anonymous(`Bearer ${token}`);
    seededId = seeded.accountId;
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await fs.rm(tmpRoot, { recursive: true, force: true });
  });

  it("lets only owners and admins request, list and schedule exports (4.8)", async () => {
    for (const role of ["viewer", "recruiter"] as const) {
      expect((await t.as(role).post("/api/v1/exports", { format: "backup" })).statusCode).toBe(403);
      expect((await t.as(role).get("/api/v1/exports")).statusCode).toBe(403);
      expect((await t.as(role).get("/api/v1/backup-schedule")).statusCode).toBe(403);
      expect((await t.as(role).get("/api/v1/reports/candidates.xlsx")).statusCode).toBe(403);
    }
    expect((await t.anonymous().post("/api/v1/exports", { format: "backup" })).statusCode).toBe(401);
  });

  it("refuses an unknown format with a 422 naming the field", async () => {
    for (const format of ["tarball", "Snapshot", ""]) {
      const res = await t.as("admin").post("/api/v1/exports", { format });
      expect(res.statusCode).toBe(422);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(res.json().errors[0].field).toBe("format");
    }
  });

  it("requests a backup (202, same run for concurrent requests), shows progress, and serves it by link", async () => {
    const [first, second] = await Promise.all([
      seededAdmin.post("/api/v1/exports", { format: "backup" }),
      seededAdmin.post("/api/v1/exports", { format: "backup" }),
    ]);
    expect(first!.statusCode).toBe(202);
    expect(second!.statusCode).toBe(202);
    const id = first!.json().id;
    expect(second!.json().id).toBe(id);
    expect(first!.headers.location).toBe(`/api/v1/exports/${id}`);
    expect(first!.json()).toMatchObject({
      state: "queued",
      format: "backup",
      progress: { done: 0, percent: 0 },
    });
    // Account B sees nothing of it.
    expect((await t.as("admin", t.b).get(`/api/v1/exports/${id}`)).statusCode).toBe(404);

    await runner.runNext(never);
    const res = await seededAdmin.get(`/api/v1/exports/${id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ state: "succeeded", attempts: 1, progress: { percent: 100 } });
    expect(body.expires_at).toBe("2027-02-24T10:00:00.000Z"); // 3 months by default
    expect(body.artifacts).toHaveLength(1);
    const artifact = body.artifacts[0];
    expect(artifact).not.toHaveProperty("storage_key");
    expect(artifact.file_name).toMatch(/backup-2026-11-24\.zip$/);
    expect(artifact.download_url).toMatch(/^\/downloads\//);
    expect(new Date(artifact.download_expires_at).getTime()).toBe(clock.now().getTime() + 7 * 86_400_000);

    const download = await t.inject({ method: "GET", url: artifact.download_url });
    expect(download.statusCode).toBe(200);
    expect(download.headers["cache-control"]).toBe("private, no-store");
    expect(download.headers["content-disposition"]).toMatch(/^attachment; filename="/);
    const bytes = download.rawPayload;
    expect(bytes.length).toBe(artifact.size_bytes);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(artifact.sha256);
    const zip = path.join(tmpRoot, "backup.zip");
    await fs.writeFile(zip, bytes);
    const { stdout } = await run("unzip", ["-Z1", zip]);
    const entries = stdout.trim().split("\n");
    expect(entries).toContain("Candidates.xlsx");
    expect(entries.every((e) => e === "Candidates.xlsx" || e.startsWith("Resumes/"))).toBe(true);

    // The same bytes with the Bearer token, and a range of them.
    const viaApi = await seededAdmin.get(`/api/v1/exports/${id}/artifacts/${artifact.id}/content`, {
      range: "bytes=0-99",
    });
    expect(viaApi.statusCode).toBe(206);
    expect(viaApi.rawPayload.equals(bytes.subarray(0, 100))).toBe(true);
    expect(
      (await t.as("recruiter").get(`/api/v1/exports/${id}/artifacts/${artifact.id}/content`)).statusCode,
    ).toBe(403);
    expect(
      (await t.as("admin").get(`/api/v1/exports/${id}/artifacts/${artifact.id}/content`)).statusCode,
    ).toBe(404);

    // Listed, newest first, with a cursor.
    const list = await seededAdmin.get("/api/v1/exports?limit=1");
    expect(list.json().data[0].id).toBe(id);

    // Revoke: the link answers 410, the API stops offering links, the sweep deletes the file.
    const revoked = await seededAdmin.post(`/api/v1/exports/${id}/revoke`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().artifacts[0].download_url).toBeNull();
    expect((await t.inject({ method: "GET", url: artifact.download_url })).statusCode).toBe(410);
    const actions = await t.database.db
      .selectFrom("audit_log")
      .select("action")
      .where("entity_id", "=", id)
      .orderBy("id")
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      "export.requested",
      "export.requested",
      "export.succeeded",
      "export.downloaded",
      "export.downloaded",
      "export.revoked",
      "export.download_denied",
    ]);
  });

  it("enables monthly backups in Settings › Data Backup: first backup at once, next on the same day", async () => {
    const put = (body: unknown, role: "admin" | "recruiter" = "admin") =>
      t.inject({
        method: "PUT",
        url: "/api/v1/backup-schedule",
        headers: { authorization: `Bearer ${t.b.tokens[role]}`, "content-type": "application/json" },
        payload: JSON.stringify(body),
      });
    expect((await put({ enabled: true }, "recruiter")).statusCode).toBe(403);
    const bad = await put({ retention_months: 99 });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].field).toBe("retention_months");
    const res = await put({ enabled: true });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      enabled: true,
      day_of_month: 24,
      time_zone: expect.any(String),
      retention_months: 3,
      latest_backup: null,
    });
    expect(res.json().backups).toHaveLength(1);
    expect(res.json().backups[0]).toMatchObject({ state: "queued", trigger: "schedule", period: "2026-11" });
    await runner.runNext(never);
    const view = (await t.as("admin", t.b).get("/api/v1/backup-schedule")).json();
    expect(view.latest_backup).toMatchObject({ state: "succeeded", period: "2026-11" });
    expect(view.latest_backup.artifacts[0].size_bytes).toBeGreaterThan(0);
    expect(view.next_backup_at).toMatch(/^2026-12-2[34]T/);
  });

  it("streams the Candidates Excel Report on its own (a valid .xlsx) and audits it", async () => {
    const res = await seededAdmin.get("/api/v1/reports/candidates.xlsx");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="Candidates-2026-11-24\.xlsx"/);
    const file = path.join(tmpRoot, "report.xlsx");
    await fs.writeFile(file, res.rawPayload);
    const { stdout } = await run("unzip", ["-Z1", file]);
    expect(stdout).toMatch(/xl\/worksheets\/sheet1\.xml/);
    const { stdout: sheet } = await run("unzip", ["-p", file, "xl/worksheets/sheet1.xml"], {
      maxBuffer: 64 << 20,
    });
    expect(sheet).not.toMatch(/<f[ >]/);
    expect(sheet).toContain("Candidate ID");
    const audited = await t.database.db
      .selectFrom("audit_log")
      .select("action")
      .where("account_id", "=", seededId)
      .where("action", "=", "report.downloaded")
      .execute();
    expect(audited).toHaveLength(1);
  });
});
