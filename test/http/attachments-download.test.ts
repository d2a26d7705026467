import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { blobKeys, upload } from "./_helpers/attachments.js";
import { createPerson, makePdf, sha256 } from "./_helpers/fixtures.js";

const MAX = 64 * 1024;

describe.each(DIALECTS)("attachment downloads (%s)", (dialect) => {
  let t: TestApp;
  let person: { id: string };
  const pdf = makePdf(300);

  beforeAll(async () => {
    t = await createTestApp(dialect, { maxUploadBytes: MAX });
    person = await createPerson(t.as("recruiter"));
  });
  afterAll(async () => {
    await t?.close();
  });

  it("uploads a PDF and downloads it back byte for byte", async () => {
    const res = await upload(t.as("recruiter"), person.id, { content: pdf, contentType: "text/html" }, [
      { name: "internal_cv", value: "true" },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const row = res.json();
    expect(row).toMatchObject({
      entity_type: "person",
      entity_id: person.id,
      file_name: "cv.pdf",
      content_type: "application/pdf", // sniffed; the declared text/html is ignored
      size_bytes: pdf.length,
      sha256: sha256(pdf),
      internal_cv: true,
      uploaded_by_id: t.a.userIds.recruiter,
    });
    expect(row).not.toHaveProperty("storage_key");
    expect(res.headers.location).toBe(`/api/v1/attachments/${row.id}`);
    expect(await blobKeys(t, t.a.id)).toContain(`accounts/${t.a.id}/attachments/${row.id}`);

    const down = await t.as("viewer").get(`/api/v1/attachments/${row.id}/content`);
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(pdf)).toBe(true);
    expect(sha256(down.rawPayload)).toBe(row.sha256);
    expect(down.headers).toMatchObject({
      "content-type": "application/pdf",
      "content-length": String(pdf.length),
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
      "accept-ranges": "bytes",
      etag: `"${row.sha256}"`,
      "referrer-policy": "no-referrer",
    });
    expect(down.headers["content-disposition"]).toBe(
      `attachment; filename="cv.pdf"; filename*=UTF-8''cv.pdf`,
    );
    // Every download is audited: who, which file, which bytes (docs/EXPORTS.md#audit-log).
    const downloads = await t.database.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "attachment.downloaded")
      .where("entity_id", "=", row.id)
      .execute();
    expect(downloads).toHaveLength(1);
    expect(downloads[0]).toMatchObject({
      account_id: t.a.id,
      actor_type: "user",
      actor_id: t.a.userIds.viewer,
    });
    expect(JSON.parse(String(downloads[0]!.changes))).toEqual({ size_bytes: pdf.length, range: null });

    const head = await t.inject({
      method: "HEAD",
      url: `/api/v1/attachments/${row.id}/content`,
      headers: { authorization: `Bearer ${t.a.tokens.viewer}` },
    });
    expect(head.statusCode).toBe(200);
    expect(head.headers["content-length"]).toBe(String(pdf.length));
    expect(head.rawPayload.length).toBe(0);

    const audit = await t.as("admin").get(`/api/v1/audit-log?entity_id=${row.id}`);
    expect(audit.json().data.map((e: { action: string }) => e.action)).toContain("attachment.created");
  });

  describe("ranges (RFC 9110 §14)", () => {
    let id: string;
    let etag: string;
    beforeAll(async () => {
      const res = await upload(t.as("recruiter"), person.id, { content: pdf });
      id = res.json().id;
      etag = `"${res.json().sha256}"`;
    });
    const get = (headers: Record<string, string>) =>
      t.as("viewer").get(`/api/v1/attachments/${id}/content`, headers);

    it("bytes=0-99 → 206 with exactly those bytes", async () => {
      const res = await get({ range: "bytes=0-99" });
      expect(res.statusCode).toBe(206);
      expect(res.headers["content-range"]).toBe(`bytes 0-99/${pdf.length}`);
      expect(res.headers["content-length"]).toBe("100");
      expect(res.rawPayload.equals(pdf.subarray(0, 100))).toBe(true);
    });

    it("open-ended and suffix ranges", async () => {
      const tail = await get({ range: `bytes=${pdf.length - 10}-` });
      expect(tail.statusCode).toBe(206);
      expect(tail.rawPayload.equals(pdf.subarray(pdf.length - 10))).toBe(true);
      const suffix = await get({ range: "bytes=-5" });
      expect(suffix.headers["content-range"]).toBe(`bytes ${pdf.length - 5}-${pdf.length - 1}/${pdf.length}`);
      expect(suffix.rawPayload.equals(pdf.subarray(pdf.length - 5))).toBe(true);
      const clamped = await get({ range: "bytes=100-999999999" });
      expect(clamped.rawPayload.equals(pdf.subarray(100))).toBe(true);
    });

    it("a range past the end → 416 with Content-Range: bytes */size", async () => {
      const res = await get({ range: "bytes=999999999-" });
      expect(res.statusCode).toBe(416);
      expect(res.headers["content-range"]).toBe(`bytes */${pdf.length}`);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(res.headers["content-disposition"]).toBeUndefined();
    });

    it("If-Range with another ETag → the full file (200); with ours → 206", async () => {
      const stale = await get({ range: "bytes=0-99", "if-range": '"0000"' });
      expect(stale.statusCode).toBe(200);
      expect(stale.rawPayload.equals(pdf)).toBe(true);
      const fresh = await get({ range: "bytes=0-99", "if-range": etag });
      expect(fresh.statusCode).toBe(206);
    });

    it("several ranges or a malformed one → the full file", async () => {
      expect((await get({ range: "bytes=0-1,5-6" })).statusCode).toBe(200);
      expect((await get({ range: "lines=1-2" })).statusCode).toBe(200);
    });
  });

  it("a hostile or non-ASCII file name cannot inject headers", async () => {
    const res = await upload(t.as("recruiter"), person.id, {
      content: pdf,
      rawDisposition: `form-data; name="file"; filename*=UTF-8''${encodeURIComponent('C:\\fakepath\\a"; x=1.pdf')}`,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().file_name).toBe('a"; x=1.pdf'); // path dropped, quote kept (escaped on the way out)
    // Names also come from imports and older data: put CR/LF in one directly.
    const hostile = 'a"\r\nX-Evil: 1.pdf';
    await t.database.db
      .updateTable("attachments")
      .set({ file_name: hostile })
      .where("id", "=", res.json().id)
      .execute();
    const down = await t.as("viewer").get(`/api/v1/attachments/${res.json().id}/content`);
    expect(down.statusCode).toBe(200);
    const cd = String(down.headers["content-disposition"]);
    expect(cd).not.toMatch(/[\r\n]/);
    expect(down.headers["x-evil"]).toBeUndefined();
    expect(cd).toBe(`attachment; filename="a___X-Evil: 1.pdf"; filename*=UTF-8''a%22%0D%0AX-Evil%3A%201.pdf`);

    const name = "Lebenslauf Jürgen 履歴書.pdf";
    const intl = await upload(t.as("recruiter"), person.id, {
      content: pdf,
      rawDisposition: `form-data; name="file"; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
    expect(intl.json().file_name).toBe(name);
    const down2 = await t.as("viewer").get(`/api/v1/attachments/${intl.json().id}/content`);
    const cd2 = String(down2.headers["content-disposition"]);
    expect(cd2).toContain('filename="Lebenslauf Jurgen ___.pdf"');
    expect(decodeURIComponent(cd2.split("filename*=UTF-8''")[1]!)).toBe(name);
  });

  it("a client aborting mid-download destroys the blob stream", async () => {
    const big = makePdf(MAX - 1000);
    const created = await upload(t.as("recruiter"), person.id, { content: big });
    const opened: Readable[] = [];
    const realGet = t.blobs.get.bind(t.blobs);
    t.blobs.get = async (key, range) => {
      const s = await realGet(key, range);
      opened.push(s);
      return s;
    };
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const { port } = t.app.server.address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        const req = http.get(
          {
            host: "127.0.0.1",
            port,
            path: `/api/v1/attachments/${created.json().id}/content`,
            headers: { authorization: `Bearer ${t.a.tokens.viewer}` },
          },
          (res) => {
            res.once("data", () => {
              req.destroy();
              resolve();
            });
          },
        );
        req.on("error", () => undefined);
        setTimeout(() => reject(new Error("no data")), 5000);
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(opened).toHaveLength(1);
      expect(opened[0]!.destroyed).toBe(true);
    } finally {
      t.blobs.get = realGet;
    }
  });
});
