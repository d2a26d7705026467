import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type { LightMyRequestResponse as Response } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Row } from "../../src/db/schema/index.js";
import { FixedClock } from "../../src/domain/clock.js";
import { ValidationError } from "../../src/domain/errors.js";
import { uuidv7 } from "../../src/domain/ids.js";
import type { Role } from "../../src/domain/roles.js";
import { redactUrl } from "../../src/http/logger.js";
import { Rng } from "../../src/seed/rng.js";
import {
  DownloadDeniedError,
  DownloadLinkService,
  MAX_LINK_LIFETIME_SECONDS,
} from "../../src/services/download-link.service.js";
import { DIALECTS } from "../support/dialects.js";
import { insertFinishedExport } from "../support/export-rows.js";
import { insertUser as insertUserRow } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { sha256 } from "./_helpers/fixtures.js";

const T0 = new Date("2026-12-01T10:00:00.000Z");
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Deterministic bytes of `size` (a "ZIP" the tests can compare byte for byte). */
function bytesOf(size: number, seed: string): Buffer {
  const rng = new Rng(seed);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = rng.next() & 0xff;
  return out;
}

/** A character of the token alphabet other than `ch`. */
function otherChar(ch: string, rng: Rng): string {
  let c = ch;
  while (c === ch) c = rng.pick([...B64URL, "."]);
  return c;
}

type Audit = Row<"audit_log">;

describe.each(DIALECTS)("export download links (%s)", (dialect) => {
  const clock = new FixedClock(T0);
  const content = bytesOf(50_000, "export-bytes");
  let t: TestApp;
  let links: DownloadLinkService;

  /** A succeeded run of `accountId` with one artifact whose bytes are in blob storage. */
  async function createExport(
    accountId: string,
    opts: { run?: Partial<Row<"export_runs">>; bytes?: Buffer } = {},
  ): Promise<{ runId: string; artifactId: string; bytes: Buffer; storageKey: string }> {
    const bytes = opts.bytes ?? content;
    const created = await insertFinishedExport(t.database.db, t.blobs, {
      accountId,
      now: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 14 * DAY),
      bytes,
      // A key nobody could derive from the URL: only the database knows it
      // (docs/EXPORTS.md#links-and-downloads).
      storageKey: (runId) =>
        `accounts/${accountId}/exports/${runId}/${crypto.randomBytes(8).toString("hex")}.zip`,
      fileName: "hirevault-backup 2026-12 «Acme».zip",
      ...(opts.run ? { run: opts.run } : {}),
    });
    return { ...created, bytes };
  }

  /** A link to `exp`'s artifact for `userId` (default: account A's admin), valid for a day. */
  function mintFor(
    exp: { runId: string; artifactId: string },
    over: { accountId?: string; userId?: string; expiresAt?: Date } = {},
  ) {
    return links.mint({
      accountId: over.accountId ?? t.a.id,
      exportRunId: exp.runId,
      artifactId: exp.artifactId,
      userId: over.userId ?? t.a.userIds.admin,
      expiresAt: over.expiresAt ?? new Date(clock.now().getTime() + DAY),
    });
  }

  const insertUser = (accountId: string, role: Role) =>
    insertUserRow(t.database.db, { accountId, role, at: clock.now() });

  const fetch = (method: "GET" | "HEAD", token: string, headers: Record<string, string> = {}) =>
    t.inject({ method, url: `/downloads/${token}`, headers }) as Promise<Response>;

  async function auditOf(runId: string, action: string): Promise<Audit[]> {
    return t.database.db
      .selectFrom("audit_log")
      .selectAll()
      .where("entity_id", "=", runId)
      .where("action", "=", action)
      .orderBy("created_at")
      .execute();
  }

  /** Download audits are written when the response closes: wait for `n` of them. */
  async function downloadsOf(runId: string, n: number): Promise<Audit[]> {
    return vi.waitFor(
      async () => {
        const rows = await auditOf(runId, "export.downloaded");
        expect(rows).toHaveLength(n);
        return rows;
      },
      { timeout: 5000, interval: 20 },
    );
  }

  function expectDenied(res: Response, status: number): void {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body.status).toBe(status);
    expect(body.detail).toMatch(/^Access denied/);
    expect(body.instance).toBe("/downloads/[Redacted]");
    expect(res.headers["content-disposition"]).toBeUndefined();
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers["cache-control"]).toBe("private, no-store");
  }

  beforeAll(async () => {
    t = await createTestApp(dialect, { clock });
    links = new DownloadLinkService({
      db: t.database.db,
      secret: t.secret,
      clock,
      publicUrl: "https://hr.example.com/",
    });
  });
  beforeEach(() => clock.set(T0));
  afterAll(async () => {
    await t?.close();
  });

  it("streams the artifact with download-safe headers and audits the download (2.9)", async () => {
    const exp = await createExport(t.a.id);
    const link = mintFor(exp);
    expect(link.url).toBe(`https://hr.example.com/downloads/${link.token}`);
    expect(link.expiresAt.toISOString()).toBe(new Date(T0.getTime() + DAY).toISOString());

    const res = await fetch("GET", link.token);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.rawPayload.equals(exp.bytes)).toBe(true);
    expect(res.headers).toMatchObject({
      "content-type": "application/zip",
      "content-length": String(exp.bytes.length),
      "cache-control": "private, no-store",
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
      "accept-ranges": "bytes",
      etag: `"${sha256(exp.bytes)}"`,
    });
    expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
    // RFC 6266: attachment, ASCII fallback plus the exact UTF-8 name (RFC 8187).
    const cd = String(res.headers["content-disposition"]);
    expect(cd).toMatch(/^attachment; filename="hirevault-backup 2026-12 _Acme_.zip"; filename\*=UTF-8''/);
    expect(decodeURIComponent(cd.split("filename*=UTF-8''")[1]!)).toBe("hirevault-backup 2026-12 «Acme».zip");

    const [row] = await downloadsOf(exp.runId, 1);
    expect(row).toMatchObject({
      account_id: t.a.id,
      actor_type: "user",
      actor_id: t.a.userIds.admin,
      entity_type: "export_run",
      ip: "127.0.0.1",
    });
    expect(JSON.parse(String(row!.changes))).toEqual({
      artifact_id: exp.artifactId,
      part: "backup",
      range: null,
      status: 200,
      bytes_planned: exp.bytes.length,
      bytes_sent: exp.bytes.length,
      completed: true,
    });
  });

  describe("tokens (2.1)", () => {
    it("altering any character or truncating anywhere → 404, never 500", async () => {
      const exp = await createExport(t.a.id);
      const { token } = mintFor(exp);
      const rng = new Rng("alter");
      const bad: string[] = [];
      for (let i = 0; i < token.length; i++) {
        bad.push(token.slice(0, i) + otherChar(token[i]!, rng) + token.slice(i + 1));
        bad.push(token.slice(0, i)); // truncated
      }
      bad.push(
        `${token}A`,
        `${token}.`,
        `A${token}`,
        token.replace(".", ""),
        token.split(".").reverse().join("."),
      );
      for (const b of bad) {
        const err = await links.resolve(b).catch((e: unknown) => e);
        expect(err, b).toBeInstanceOf(DownloadDeniedError);
        expect((err as DownloadDeniedError).reason).toBe("invalid");
      }
      // Over HTTP: every 5th alteration and a few truncations.
      for (const b of bad.filter((_, i) => i % 10 === 0 || i === bad.length - 1)) {
        expectDenied(await fetch("GET", encodeURIComponent(b)), 404);
      }
      expect((await fetch("GET", token)).statusCode).toBe(200);
    });

    it("a token signed with another secret → 404", async () => {
      const exp = await createExport(t.a.id);
      const other = new DownloadLinkService({ db: t.database.db, secret: crypto.randomBytes(32), clock });
      const forged = other.mint({
        accountId: t.a.id,
        exportRunId: exp.runId,
        artifactId: exp.artifactId,
        userId: t.a.userIds.owner,
        expiresAt: new Date(T0.getTime() + HOUR),
      });
      expectDenied(await fetch("GET", forged.token), 404);
      expect(await auditOf(exp.runId, "export.download_denied")).toHaveLength(0);
    });

    it("thousands of random strings and mutations are refused as invalid, never thrown otherwise", async () => {
      const exp = await createExport(t.a.id);
      const { token } = mintFor(exp);
      const rng = new Rng("garbage");
      const alphabets = [B64URL, `${B64URL}.`, `${B64URL}.=+/ %\u0000é😀`];
      const inputs: string[] = [];
      for (let i = 0; i < 3000; i++) {
        const chars = [...rng.pick(alphabets)]; // code points: no lone surrogates
        // Lengths around the real token's, where a parser is most likely to trip.
        const len = rng.chance(0.5) ? token.length + rng.int(-3, 3) : rng.int(0, 400);
        let s = "";
        for (let j = 0; j < len; j++) s += chars[rng.int(0, chars.length - 1)];
        inputs.push(s);
      }
      for (let i = 0; i < 2000; i++) {
        const chars = [...token];
        for (let k = rng.int(1, 4); k > 0; k--) {
          const at = rng.int(0, chars.length - 1);
          const op = rng.int(0, 2);
          if (op === 0) chars[at] = otherChar(chars[at]!, rng);
          else if (op === 1) chars.splice(at, 1);
          else chars.splice(at, 0, rng.pick([...B64URL]));
        }
        if (chars.join("") !== token) inputs.push(chars.join(""));
      }
      inputs.push("", ".", "..", "a.b", "%", "\u0000");
      for (const s of inputs) {
        expect(links.verify(s), s).toBeNull();
        const err = await links.resolve(s).catch((e: unknown) => e);
        expect(err instanceof DownloadDeniedError && err.reason === "invalid", s).toBe(true);
      }
      expect(links.verify(undefined)).toBeNull();
      expect(links.verify(42)).toBeNull();
      // A sample over HTTP, raw and encoded: 4xx, never 5xx.
      for (const s of inputs.slice(0, 150)) {
        const res = await fetch("GET", encodeURIComponent(s));
        expect(res.statusCode, s).toBe(404);
      }
      for (const raw of ["%", "%zz", "a%00b", "..%2f..%2fetc", "a/b/c", `${token}/x`, "", `${token}?x=1`]) {
        const res = await fetch("GET", raw);
        expect(res.statusCode, raw).toBeLessThan(500);
        if (!raw.startsWith(token)) expect([400, 404], raw).toContain(res.statusCode);
      }
    });
  });

  describe("expiry (2.2)", () => {
    it("exp − 1 s → 200, exp + 1 s → 410 (audited as denied)", async () => {
      const exp = await createExport(t.a.id);
      const link = mintFor(exp, { expiresAt: new Date(T0.getTime() + HOUR) });
      clock.set(new Date(link.expiresAt.getTime() - 1000));
      expect((await fetch("GET", link.token)).statusCode).toBe(200);
      clock.set(new Date(link.expiresAt.getTime() + 1000));
      const res = await fetch("GET", link.token);
      expectDenied(res, 410);
      expect(res.json().type).toBe("https://hirevault.dev/problems/gone");
      const [denied] = await auditOf(exp.runId, "export.download_denied");
      expect(denied).toMatchObject({ account_id: t.a.id, actor_id: t.a.userIds.admin });
      expect(JSON.parse(String(denied!.changes))).toEqual({
        artifact_id: exp.artifactId,
        reason: "expired",
        status: 410,
        method: "GET",
      });
    });

    it("refuses to mint past 7 days, now or in the past; 7 days exactly is fine", async () => {
      const exp = await createExport(t.a.id);
      const at = (ms: number) => () => mintFor(exp, { expiresAt: new Date(T0.getTime() + ms) });
      expect(at(MAX_LINK_LIFETIME_SECONDS * 1000 + 1000)).toThrow(ValidationError);
      expect(at(MAX_LINK_LIFETIME_SECONDS * 1000 + 1)).toThrow(ValidationError);
      expect(at(0)).toThrow(ValidationError);
      expect(at(-1000)).toThrow(ValidationError);
      expect(() => mintFor(exp, { expiresAt: new Date(Number.NaN) })).toThrow(ValidationError);
      expect(() => mintFor(exp, { userId: "not-a-uuid" })).toThrow(ValidationError);
      const week = at(MAX_LINK_LIFETIME_SECONDS * 1000)();
      clock.advance(MAX_LINK_LIFETIME_SECONDS * 1000 - 1000);
      expect((await fetch("GET", week.token)).statusCode).toBe(200);
      clock.advance(2000);
      expectDenied(await fetch("GET", week.token), 410);
    });

    it("the run's own expiry (retention) → 410, even when the link is still valid", async () => {
      const exp = await createExport(t.a.id, {
        run: { expires_at: new Date(T0.getTime() + HOUR).toISOString() },
      });
      const link = mintFor(exp, { expiresAt: new Date(T0.getTime() + 2 * DAY) });
      expect((await fetch("GET", link.token)).statusCode).toBe(200);
      clock.advance(2 * HOUR);
      expectDenied(await fetch("GET", link.token), 410);
    });
  });

  describe("revocation and run state (2.3, 2.4)", () => {
    it("revoked → next request 410", async () => {
      const exp = await createExport(t.a.id);
      const link = mintFor(exp);
      expect((await fetch("GET", link.token)).statusCode).toBe(200);
      await t.database.db
        .updateTable("export_runs")
        .set({ revoked_at: clock.now().toISOString() })
        .where("id", "=", exp.runId)
        .execute();
      expectDenied(await fetch("GET", link.token), 410);
      const head = await fetch("HEAD", link.token);
      expect(head.statusCode).toBe(410);
      expect(head.rawPayload.length).toBe(0);
      const denied = await auditOf(exp.runId, "export.download_denied");
      expect(denied.map((d) => JSON.parse(String(d.changes)).reason)).toEqual(["revoked", "revoked"]);
    });

    it("an expired run (artifacts swept) → 410; a run not succeeded → 404", async () => {
      const expired = await createExport(t.a.id, { run: { state: "expired" } });
      expectDenied(await fetch("GET", mintFor(expired).token), 410);
      for (const state of ["queued", "running", "failed", "awaiting_payment"] as const) {
        const exp = await createExport(t.a.id, { run: { state } });
        expectDenied(await fetch("GET", mintFor(exp).token), 404);
      }
    });

    it("the file gone from storage → 404", async () => {
      const exp = await createExport(t.a.id);
      await t.blobs.delete(exp.storageKey);
      expectDenied(await fetch("GET", mintFor(exp).token), 404);
    });
  });

  describe("tenant isolation (2.6)", () => {
    it("A's run and artifact in a token naming account B → 404", async () => {
      const exp = await createExport(t.a.id);
      const crossed = mintFor(exp, { accountId: t.b.id, userId: t.b.userIds.admin });
      expectDenied(await fetch("GET", crossed.token), 404);
      const withAUser = mintFor(exp, { accountId: t.b.id });
      expectDenied(await fetch("GET", withAUser.token), 404);
      expect(await auditOf(exp.runId, "export.download_denied")).toHaveLength(0);
    });

    it("an artifact id of another run (or another account) → 404", async () => {
      const mine = await createExport(t.a.id);
      const other = await createExport(t.a.id);
      const theirs = await createExport(t.b.id);
      expectDenied(
        await fetch("GET", mintFor({ runId: mine.runId, artifactId: other.artifactId }).token),
        404,
      );
      expectDenied(
        await fetch("GET", mintFor({ runId: mine.runId, artifactId: theirs.artifactId }).token),
        404,
      );
    });

    it("the storage key comes from the database row, not from the link", async () => {
      const exp = await createExport(t.a.id);
      const link = mintFor(exp);
      // The token names ids only: the random storage key appears nowhere in it.
      expect(Buffer.from(link.token.split(".")[0]!, "base64url").toString("latin1")).not.toContain("exports");
      const moved = `accounts/${t.a.id}/exports/${exp.runId}/moved.zip`;
      const replacement = bytesOf(1234, "moved");
      await t.blobs.put(moved, replacement);
      await t.database.db
        .updateTable("export_artifacts")
        .set({ storage_key: moved, size_bytes: replacement.length, sha256: sha256(replacement) })
        .where("id", "=", exp.artifactId)
        .execute();
      const res = await fetch("GET", link.token);
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.equals(replacement)).toBe(true);
    });
  });

  describe("roles (2.7)", () => {
    it("links of owners and admins work; a recruiter's or viewer's → 403 (audited)", async () => {
      const exp = await createExport(t.a.id);
      expect((await fetch("GET", mintFor(exp, { userId: t.a.userIds.owner }).token)).statusCode).toBe(200);
      expect((await fetch("GET", mintFor(exp, { userId: t.a.userIds.admin }).token)).statusCode).toBe(200);
      expectDenied(await fetch("GET", mintFor(exp, { userId: t.a.userIds.recruiter }).token), 403);
      expectDenied(await fetch("GET", mintFor(exp, { userId: t.a.userIds.viewer }).token), 403);
      const denied = await auditOf(exp.runId, "export.download_denied");
      expect(denied.map((d) => d.actor_id).sort()).toEqual(
        [t.a.userIds.recruiter, t.a.userIds.viewer].sort(),
      );
      expect(denied.every((d) => JSON.parse(String(d.changes)).reason === "role")).toBe(true);
    });

    it("an admin demoted after the email → 403; disabled → 403; deleted → 403", async () => {
      const exp = await createExport(t.a.id);
      const demoted = await insertUser(t.a.id, "admin");
      const disabled = await insertUser(t.a.id, "owner");
      const deleted = await insertUser(t.a.id, "admin");
      const [l1, l2, l3] = [demoted, disabled, deleted].map((userId) => mintFor(exp, { userId }).token);
      for (const l of [l1!, l2!, l3!]) expect((await fetch("GET", l)).statusCode).toBe(200);

      await t.database.db.updateTable("users").set({ role: "recruiter" }).where("id", "=", demoted).execute();
      await t.database.db
        .updateTable("users")
        .set({ status: "disabled" })
        .where("id", "=", disabled)
        .execute();
      await t.database.db.deleteFrom("users").where("id", "=", deleted).execute();
      expectDenied(await fetch("GET", l1!), 403);
      expectDenied(await fetch("GET", l2!), 403);
      expectDenied(await fetch("GET", l3!), 403);
      const reasons = (await auditOf(exp.runId, "export.download_denied")).map(
        (d) => JSON.parse(String(d.changes)).reason,
      );
      expect(reasons.sort()).toEqual(["role", "user_inactive", "user_inactive"]);
    });
  });

  it("HEAD answers the headers, is not a download and burns nothing (2.11)", async () => {
    const exp = await createExport(t.a.id);
    const { token } = mintFor(exp);
    for (let i = 0; i < 3; i++) {
      const head = await fetch("HEAD", token);
      expect(head.statusCode).toBe(200);
      expect(head.headers["content-length"]).toBe(String(exp.bytes.length));
      expect(head.headers.etag).toBe(`"${sha256(exp.bytes)}"`);
      expect(head.rawPayload.length).toBe(0);
    }
    expect(await auditOf(exp.runId, "export.downloaded")).toHaveLength(0);
    for (let i = 0; i < 3; i++) expect((await fetch("GET", token)).statusCode).toBe(200);
    await downloadsOf(exp.runId, 3);
  });

  describe("ranges and resume (2.12, RFC 9110 §14)", () => {
    it("bytes=0-99 → 206 with exactly those bytes (audited as 206)", async () => {
      const exp = await createExport(t.a.id);
      const res = await fetch("GET", mintFor(exp).token, { range: "bytes=0-99" });
      expect(res.statusCode).toBe(206);
      expect(res.headers["content-range"]).toBe(`bytes 0-99/${exp.bytes.length}`);
      expect(res.headers["content-length"]).toBe("100");
      expect(res.rawPayload.equals(exp.bytes.subarray(0, 100))).toBe(true);
      const [row] = await downloadsOf(exp.runId, 1);
      expect(JSON.parse(String(row!.changes))).toMatchObject({
        range: "bytes=0-99",
        status: 206,
        bytes_planned: 100,
        bytes_sent: 100,
        completed: true,
      });
    });

    it("If-Range with a stale ETag → 200 with the whole file; with ours → 206", async () => {
      const exp = await createExport(t.a.id);
      const { token } = mintFor(exp);
      const stale = await fetch("GET", token, { range: "bytes=0-99", "if-range": '"0123"' });
      expect(stale.statusCode).toBe(200);
      expect(stale.rawPayload.equals(exp.bytes)).toBe(true);
      const fresh = await fetch("GET", token, { range: "bytes=0-99", "if-range": `"${sha256(exp.bytes)}"` });
      expect(fresh.statusCode).toBe(206);
    });

    it("bytes=999999999- → 416 with Content-Range: bytes */size", async () => {
      const exp = await createExport(t.a.id);
      const res = await fetch("GET", mintFor(exp).token, { range: "bytes=999999999-" });
      expect(res.statusCode).toBe(416);
      expect(res.headers["content-range"]).toBe(`bytes */${exp.bytes.length}`);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(res.headers["content-disposition"]).toBeUndefined();
      expect(res.json().instance).toBe("/downloads/[Redacted]");
    });

    it("a download interrupted at N and resumed re-assembles to the SHA-256", async () => {
      const exp = await createExport(t.a.id);
      const { token } = mintFor(exp);
      const n = 12_345;
      const first = await fetch("GET", token, { range: `bytes=0-${n - 1}` });
      const etag = String(first.headers.etag);
      const rest = await fetch("GET", token, { range: `bytes=${n}-`, "if-range": etag });
      expect(rest.statusCode).toBe(206);
      expect(rest.headers["content-range"]).toBe(`bytes ${n}-${exp.bytes.length - 1}/${exp.bytes.length}`);
      expect(sha256(Buffer.concat([first.rawPayload, rest.rawPayload]))).toBe(sha256(exp.bytes));
      await downloadsOf(exp.runId, 2);
    });

    it("a client aborting mid-download is audited as incomplete", async () => {
      const big = bytesOf(8 * 1024 * 1024, "big");
      const exp = await createExport(t.a.id, { bytes: big });
      const { token } = mintFor(exp);
      await t.app.listen({ port: 0, host: "127.0.0.1" });
      const { port } = t.app.server.address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        const req = http.get({ host: "127.0.0.1", port, path: `/downloads/${token}` }, (res) => {
          res.once("data", () => {
            req.destroy();
            resolve();
          });
        });
        req.on("error", () => undefined);
        setTimeout(() => reject(new Error("no data")), 5000);
      });
      const [row] = await downloadsOf(exp.runId, 1);
      const changes = JSON.parse(String(row!.changes));
      expect(changes).toMatchObject({ status: 200, bytes_planned: big.length, completed: false });
      expect(changes.bytes_sent).toBeLessThan(big.length);
    });
  });

  it("audit entries never hold the token (docs/EXPORTS.md#links-and-downloads)", async () => {
    const exp = await createExport(t.a.id);
    const { token } = mintFor(exp);
    await fetch("GET", token);
    await fetch("GET", token, { range: "bytes=5-" });
    await downloadsOf(exp.runId, 2);
    clock.advance(2 * DAY);
    await fetch("GET", token);
    const rows = await t.database.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "like", "export.%")
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const all = JSON.stringify(rows);
    const [payload, mac] = token.split(".");
    expect(all).not.toContain(mac);
    expect(all).not.toContain(payload!.slice(0, 40));
    expect(all).not.toContain("/downloads/");
  });
});

describe("download link logs (2.10)", () => {
  it("never contain the token, valid, forged or truncated", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const clock = new FixedClock(T0);
    const t = await createTestApp("sqlite", { clock, logger: pino({ level: "trace" }, sink) });
    try {
      const links = new DownloadLinkService({ db: t.database.db, secret: t.secret, clock });
      const runId = uuidv7();
      const { token } = links.mint({
        accountId: t.a.id,
        exportRunId: runId,
        artifactId: uuidv7(),
        userId: t.a.userIds.admin,
        expiresAt: new Date(T0.getTime() + HOUR),
      });
      const [payload, mac] = token.split(".");
      const short = "Zq9xShortSecret";
      await t.inject({ method: "GET", url: `/downloads/${token}` }); // valid signature, no such run
      await t.inject({ method: "GET", url: `/downloads/${token}?token=${token}` });
      await t.inject({ method: "HEAD", url: `/downloads/${payload}.${mac!.slice(0, -2)}xy` }); // forged
      await t.inject({ method: "GET", url: `/downloads/${short}` }); // truncated
      await t.inject({ method: "GET", url: `/Downloads/${short}` }); // no such route: still redacted
      expect(lines.length).toBeGreaterThan(5);
      const all = lines.join("\n");
      expect(all).toContain("download link refused");
      expect(all).toContain("/downloads/[Redacted]");
      expect(all).not.toContain(mac);
      expect(all).not.toContain(mac!.slice(0, 20));
      expect(all).not.toContain(payload!.slice(0, 20));
      expect(all).not.toContain(short);
    } finally {
      await t.close();
    }
  });

  it("redactUrl hides everything after /downloads/", () => {
    expect(redactUrl("/downloads/abc")).toBe("/downloads/[Redacted]");
    expect(redactUrl("/downloads/a.b/c?limit=1&token=x")).toBe(
      "/downloads/[Redacted]?limit=1&token=[Redacted]",
    );
    expect(redactUrl("/api/v1/persons?limit=5")).toBe("/api/v1/persons?limit=5");
  });
});
