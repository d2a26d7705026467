import crypto from "node:crypto";
import { Writable } from "node:stream";
import type { LightMyRequestResponse as Response } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import type { Row } from "../../src/db/schema/index.js";
import { FixedClock } from "../../src/domain/clock.js";
import { contentDisposition } from "../../src/domain/content-disposition.js";
import { redactSigV4, redactUrl } from "../../src/http/logger.js";
import { PRESIGNED_REDIRECT_SECONDS } from "../../src/http/routes/download-redirect.js";
import { runPrefix } from "../../src/jobs/export-keys.js";
import { ExpireExportsTask } from "../../src/jobs/tasks/expire-exports.task.js";
import { DownloadLinkService } from "../../src/services/download-link.service.js";
import type { S3BlobStore } from "../../src/storage/s3-blob-store.js";
import { s3StoreOn } from "../support/blob-backends.js";
import { DIALECTS } from "../support/dialects.js";
import { insertFinishedExport } from "../support/export-rows.js";
import { type S3rverHarness, startS3rver } from "../support/s3rver.js";
import { hasValidSigV4, signedAt } from "../support/sigv4.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { sha256 } from "./_helpers/fixtures.js";

// real: SQLite / PostgreSQL, s3rver (the S3 API on loopback), the SDK presigner; the app answers
// through inject() and the presigned Location is followed with Node's fetch, like a browser would.
const T0 = new Date("2026-12-01T10:00:00.000Z");
const DAY = 24 * 3600_000;
const WEEK = 7 * DAY;
const FILE_NAME = "hirevault-backup 2026-12 «Acme».zip";

describe.each(DIALECTS)("export download links on S3 storage (%s)", (dialect) => {
  const clock = new FixedClock(T0);
  const content = crypto.randomBytes(64 * 1024);
  const logLines: string[] = [];
  let s3: S3rverHarness;
  let store: S3BlobStore;
  /** `HIREVAULT_DOWNLOADS` unset: `redirect`. */
  let t: TestApp;
  /** `HIREVAULT_DOWNLOADS=stream`. */
  let streaming: TestApp;

  /** A succeeded run of account A in `app`'s database, its file stored where the runner puts it. */
  async function createExport(app: TestApp, run: Partial<Row<"export_runs">> = {}) {
    // Stored without a content type: the presigned URL must supply the row's.
    return insertFinishedExport(app.database.db, store, {
      accountId: app.a.id,
      now: clock.now(),
      expiresAt: new Date(T0.getTime() + 2 * WEEK),
      bytes: content,
      storageKey: (runId) => `${runPrefix({ account_id: app.a.id, id: runId })}1/backup`,
      fileName: FILE_NAME,
      run,
    });
  }

  /** A link for A's admin, valid for a day unless `expiresAt` says otherwise. */
  function linkFor(
    app: TestApp,
    exp: { runId: string; artifactId: string },
    over: { userId?: string; expiresAt?: Date } = {},
  ) {
    const links = new DownloadLinkService({ db: app.database.db, secret: app.secret, clock });
    return links.mint({
      accountId: app.a.id,
      exportRunId: exp.runId,
      artifactId: exp.artifactId,
      userId: over.userId ?? app.a.userIds.admin,
      expiresAt: over.expiresAt ?? new Date(clock.now().getTime() + DAY),
    });
  }

  const request = (
    app: TestApp,
    method: "GET" | "HEAD",
    token: string,
    headers: Record<string, string> = {},
  ) => app.inject({ method, url: `/downloads/${token}`, headers }) as Promise<Response>;

  async function downloadAudits(runId: string) {
    const rows = await t.database.db
      .selectFrom("audit_log")
      .selectAll()
      .where("entity_id", "=", runId)
      .where("action", "=", "export.downloaded")
      .execute();
    return rows.map((r) => JSON.parse(String(r.changes)) as Record<string, unknown>);
  }

  function expectRedirect(res: Response): URL {
    expect(res.statusCode, res.body).toBe(302);
    expect(res.headers["cache-control"]).toBe("private, no-store");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-disposition"]).toBeUndefined();
    expect(res.rawPayload.length).toBe(0);
    return new URL(String(res.headers.location));
  }

  function expectRefused(res: Response, status: number): void {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers.location).toBeUndefined();
    if (res.body) expect(res.json().detail).toMatch(/^Access denied/);
  }

  /** The hourly sweep, run now at the test clock's time. */
  const sweep = () => new ExpireExportsTask(t.database.db, store, clock, pino({ level: "silent" })).run();

  /** What S3 answers for a fresh presigned URL of `key`: proves the object itself is gone. */
  async function s3StatusOf(key: string): Promise<number> {
    const url = await store.presignGet(key, { expiresInSeconds: PRESIGNED_REDIRECT_SECONDS });
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status;
  }

  beforeAll(async () => {
    s3 = await startS3rver();
    store = s3StoreOn(s3);
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    t = await createTestApp(dialect, { clock, blobs: store, logger: pino({ level: "trace" }, sink) });
    streaming = await createTestApp(dialect, { clock, blobs: store, downloads: "stream" });
  });
  beforeEach(() => clock.set(T0));
  afterAll(async () => {
    await t?.close();
    await streaming?.close();
    await store?.close();
    await s3?.stop();
  });

  it("GET → 302 to a presigned URL of at most 300 s, signed now, that serves the exact bytes", async () => {
    const exp = await createExport(t);
    const before = Date.now();
    const location = expectRedirect(await request(t, "GET", linkFor(t, exp).token));

    expect(`${location.origin}${location.pathname}`).toBe(`${s3.endpoint}/${s3.bucket}/${exp.storageKey}`);
    expect(PRESIGNED_REDIRECT_SECONDS).toBe(300);
    expect(Number(location.searchParams.get("X-Amz-Expires"))).toBe(PRESIGNED_REDIRECT_SECONDS);
    // Signed with the real clock (S3 compares with its own), at the moment of the request.
    expect(signedAt(location)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(signedAt(location)).toBeLessThanOrEqual(Date.now());
    // s3rver does not check V4 signatures: check that the 300 s are covered by the signature.
    expect(hasValidSigV4(location, s3.secretAccessKey)).toBe(true);

    const file = await fetch(location);
    expect(file.status).toBe(200);
    expect(sha256(Buffer.from(await file.arrayBuffer()))).toBe(sha256(content));
    expect(file.headers.get("content-disposition")).toBe(contentDisposition(FILE_NAME));
    expect(file.headers.get("content-type")).toBe("application/zip");

    expect(await downloadAudits(exp.runId)).toEqual([
      {
        artifact_id: exp.artifactId,
        part: "backup",
        range: null,
        status: 302,
        via: "redirect",
        expires_in: 300,
      },
    ]);
  });

  it("a Range request is redirected too, and S3 answers it with 206 (RFC 9110 §14)", async () => {
    const exp = await createExport(t);
    const range = { range: "bytes=0-99" };
    const location = expectRedirect(await request(t, "GET", linkFor(t, exp).token, range));
    const part = await fetch(location, { headers: range });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 0-99/${content.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(content.subarray(0, 100))).toBe(true);
    expect(await downloadAudits(exp.runId)).toMatchObject([{ range: "bytes=0-99", via: "redirect" }]);
  });

  it("HEAD redirects the same way but is not audited as a download (2.11)", async () => {
    const exp = await createExport(t);
    const { token } = linkFor(t, exp);
    for (let i = 0; i < 2; i++) expectRedirect(await request(t, "HEAD", token));
    expect(await downloadAudits(exp.runId)).toEqual([]);
    expectRedirect(await request(t, "GET", token));
    expect(await downloadAudits(exp.runId)).toHaveLength(1);
  });

  it("forged, wrong-role, expired and revoked links never redirect", async () => {
    const exp = await createExport(t);
    const { token } = linkFor(t, exp);
    const [payload, mac] = token.split(".");
    // Change the MAC's last character (to one it is not: a fixed "A" left 1 MAC in 64 intact).
    const forged = `${payload}.${mac!.slice(0, -1)}${mac!.endsWith("A") ? "B" : "A"}`;
    expectRefused(await request(t, "GET", forged), 404);
    expectRefused(await request(t, "GET", linkFor(t, exp, { userId: t.a.userIds.recruiter }).token), 403);
    const short = linkFor(t, exp, { expiresAt: new Date(T0.getTime() + 60_000) });
    clock.advance(61_000);
    expectRefused(await request(t, "GET", short.token), 410);
    expectRefused(await request(t, "HEAD", short.token), 410);
    expect(await downloadAudits(exp.runId)).toEqual([]);
  });

  it("revoked → 410 at once; the sweep then deletes the object, so even a fresh presigned URL → 404 (2.3, 2.4)", async () => {
    const exp = await createExport(t);
    const { token } = linkFor(t, exp);
    const location = expectRedirect(await request(t, "GET", token));

    await t.database.db
      .updateTable("export_runs")
      .set({ revoked_at: clock.now().toISOString() })
      .where("id", "=", exp.runId)
      .execute();
    expectRefused(await request(t, "GET", token), 410);
    expectRefused(await request(t, "HEAD", token), 410);

    await sweep();
    expect(await store.head(exp.storageKey)).toBeNull();
    // Revocation cannot reach a URL already handed out, but its object is gone (and it dies in 5 min).
    expect((await fetch(location)).status).toBe(404);
    expect(await s3StatusOf(exp.storageKey)).toBe(404);
    expectRefused(await request(t, "GET", token), 410);
    const run = await t.database.db
      .selectFrom("export_runs")
      .select("state")
      .where("id", "=", exp.runId)
      .executeTakeFirstOrThrow();
    expect(run.state).toBe("expired");
  });

  it("after 7 days the link → 410 and the sweep deletes the object: presigning it → 404 (2.2, 2.3)", async () => {
    const exp = await createExport(t, { expires_at: new Date(T0.getTime() + WEEK).toISOString() });
    const { token, expiresAt } = linkFor(t, exp, { expiresAt: new Date(T0.getTime() + WEEK) });
    clock.set(new Date(expiresAt.getTime() - 1000));
    expectRedirect(await request(t, "GET", token));
    await sweep();
    expect(await s3StatusOf(exp.storageKey)).toBe(200); // not due yet

    clock.set(new Date(expiresAt.getTime() + 1000));
    expectRefused(await request(t, "GET", token), 410);
    await sweep();
    expect(await store.head(exp.storageKey)).toBeNull();
    expect(await s3StatusOf(exp.storageKey)).toBe(404);
  });

  it("HIREVAULT_DOWNLOADS=stream: the app streams from S3, with Range support", async () => {
    const exp = await createExport(streaming);
    const { token } = linkFor(streaming, exp);
    const full = await request(streaming, "GET", token);
    expect(full.statusCode).toBe(200);
    expect(full.headers.location).toBeUndefined();
    expect(sha256(full.rawPayload)).toBe(sha256(content));
    expect(full.headers["content-disposition"]).toBe(contentDisposition(FILE_NAME));
    expect(full.headers["cache-control"]).toBe("private, no-store");
    const part = await request(streaming, "GET", token, { range: "bytes=0-99" });
    expect(part.statusCode).toBe(206);
    expect(part.headers["content-range"]).toBe(`bytes 0-99/${content.length}`);
    expect(part.rawPayload.equals(content.subarray(0, 100))).toBe(true);
  });

  it("logs hold neither the token nor the presigned URL's signature or credential (2.10)", async () => {
    const exp = await createExport(t);
    const { token } = linkFor(t, exp);
    logLines.length = 0;
    const location = expectRedirect(await request(t, "GET", token));
    expectRedirect(await request(t, "HEAD", token));
    // What a careless log call could leak: a header bag, a reply, an error quoting the URL.
    t.app.log.info({ headers: { location: location.href } }, "headers");
    t.app.log.info({ res: { statusCode: 302, headers: { location: location.href } } }, "response");
    t.app.log.error({ err: new Error(`GET ${location.href} failed`) }, "storage error");

    const all = logLines.join("\n");
    expect(all).toContain("download redirected to storage");
    expect(all).toContain('"statusCode":302');
    const [payload, mac] = token.split(".");
    const signature = location.searchParams.get("X-Amz-Signature")!;
    const credential = location.searchParams.get("X-Amz-Credential")!;
    for (const secret of [
      mac!,
      payload!.slice(0, 20),
      signature,
      credential,
      encodeURIComponent(credential),
    ]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toContain(location.href);
    expect(all).toContain("X-Amz-Signature=[Redacted]");
  });
});

describe("redacting presigned URLs (2.10)", () => {
  const presigned =
    "https://hv-files.s3.eu-central-1.amazonaws.com/accounts/0190a1b2-0000-7000-8000-000000000001/exports/" +
    "0190a1b2-0000-7000-8000-000000000002/1/backup?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
    "&X-Amz-Credential=AKIAEXAMPLE%2F20261201%2Feu-central-1%2Fs3%2Faws4_request&X-Amz-Date=20261201T100000Z" +
    "&X-Amz-Expires=300&X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE&X-Amz-Signature=68ecd094ee0ad06c" +
    "&X-Amz-SignedHeaders=host&x-id=GetObject";

  it("redactUrl keeps the host and the expiry, hides signature, credential and session token", () => {
    const out = redactUrl(presigned);
    expect(out.startsWith("https://hv-files.s3.eu-central-1.amazonaws.com/accounts/0190a1b2-")).toBe(true);
    expect(out).toContain("X-Amz-Expires=300");
    expect(out).toContain("X-Amz-Signature=[Redacted]");
    expect(out).toContain("X-Amz-Credential=[Redacted]");
    expect(out).toContain("X-Amz-Security-Token=[Redacted]");
    for (const secret of ["68ecd094", "AKIAEXAMPLE", "FwoGZXIv"]) expect(out).not.toContain(secret);
    expect(redactUrl("https://user:pw@example.com/downloads/abc?x=1")).toBe(
      "https://[Redacted]@example.com/downloads/[Redacted]?x=1",
    );
  });

  it("redactSigV4 finds them in free text, plain or percent-encoded", () => {
    const text = `GET ${presigned} failed; next=${encodeURIComponent(presigned)}`;
    const out = redactSigV4(text);
    for (const secret of ["68ecd094", "AKIAEXAMPLE", "FwoGZXIv"]) expect(out).not.toContain(secret);
    expect(out).toContain("X-Amz-Expires=300");
  });
});

describe("HIREVAULT_DOWNLOADS", () => {
  it("is redirect by default, stream on request, and nothing else", () => {
    expect(loadConfig({}).downloads).toBe("redirect");
    expect(loadConfig({ HIREVAULT_DOWNLOADS: "stream" }).downloads).toBe("stream");
    expect(() => loadConfig({ HIREVAULT_DOWNLOADS: "proxy" })).toThrow(/HIREVAULT_DOWNLOADS/);
  });
});
