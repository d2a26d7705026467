import net, { type AddressInfo } from "node:net";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, multipartBody, type TestApp } from "../support/test-app.js";
import { blobKeys, upload } from "./_helpers/attachments.js";
import { createPerson, makePdf, pdfOfSize } from "./_helpers/fixtures.js";

const MAX = 64 * 1024;

describe.each(DIALECTS)("attachment uploads (%s)", (dialect) => {
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

  it("an upload over the limit → 413 and no blob left behind", async () => {
    const before = await blobKeys(t, t.a.id);
    const res = await upload(t.as("recruiter"), person.id, { content: makePdf(MAX + 1) });
    expect(res.statusCode).toBe(413);
    expect(res.json().type).toBe("https://hirevault.dev/problems/payload-too-large");
    expect(await blobKeys(t, t.a.id)).toEqual(before);
    // A file of exactly the limit is fine.
    const exact = pdfOfSize(MAX);
    expect(exact.length).toBe(MAX);
    expect((await upload(t.as("recruiter"), person.id, { content: exact })).statusCode).toBe(201);
  });

  it.each([
    ["HTML", Buffer.from("<!DOCTYPE html><html><script>alert(1)</script></html>")],
    ["HTML after whitespace", Buffer.from("\n\n   <html><body>hi</body></html>")],
    ["SVG", Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')],
    ["a Windows executable", Buffer.concat([Buffer.from("MZ"), Buffer.alloc(200, 0x90)])],
    ["an ELF binary", Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(100)])],
    ["a shell script", Buffer.from("#!/bin/sh\nrm -rf /\n")],
    ["unknown binary", Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff, 0xfe])],
  ])("%s → 415, whatever it claims to be, and nothing stored", async (_what, content) => {
    const before = await blobKeys(t, t.a.id);
    const res = await upload(t.as("recruiter"), person.id, {
      content,
      filename: "cv.pdf",
      contentType: "application/pdf",
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().type).toBe("https://hirevault.dev/problems/unsupported-media-type");
    expect(await blobKeys(t, t.a.id)).toEqual(before);
  });

  it("accepts an empty file (0 bytes) and serves it; any range of it is unsatisfiable", async () => {
    const res = await upload(t.as("recruiter"), person.id, {
      content: Buffer.alloc(0),
      filename: "empty.pdf",
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ size_bytes: 0, content_type: "application/octet-stream" });
    const down = await t.as("viewer").get(`/api/v1/attachments/${res.json().id}/content`);
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.length).toBe(0);
    const range = await t
      .as("viewer")
      .get(`/api/v1/attachments/${res.json().id}/content`, { range: "bytes=0-" });
    expect(range.statusCode).toBe(416);
  });

  it("accepts plain UTF-8 text and Office files", async () => {
    const txt = await upload(t.as("recruiter"), person.id, {
      content: Buffer.from("Jürgen Müller\nEngineer\n"),
      filename: "cv.txt",
    });
    expect(txt.json().content_type).toBe("text/plain; charset=utf-8");
    const docx = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04]),
      Buffer.alloc(26),
      Buffer.from("[Content_Types].xml....word/document.xml"),
    ]);
    const res = await upload(t.as("recruiter"), person.id, { content: docx, filename: "cv.docx" });
    expect(res.json().content_type).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
  });

  it("a file part whose name holds a line break is dropped by the parser: 422, nothing stored", async () => {
    const before = await blobKeys(t, t.a.id);
    const res = await upload(t.as("recruiter"), person.id, {
      content: pdf,
      rawDisposition: `form-data; name="file"; filename*=UTF-8''${encodeURIComponent("a\r\nX-Evil: 1.pdf")}`,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].field).toBe("file");
    expect(await blobKeys(t, t.a.id)).toEqual(before);
  });

  it("refuses uploads without a known entity, with bad fields, or from a viewer", async () => {
    const r = t.as("recruiter");
    const missing = await upload(r, "01890000-0000-7000-8000-000000000000", { content: pdf });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().errors).toEqual([{ field: "entity_id", message: expect.any(String) }]);
    const badType = await r.upload("/api/v1/attachments", [
      { name: "entity_type", value: "planet" },
      { name: "entity_id", value: person.id },
      { name: "file", filename: "cv.pdf", content: pdf },
    ]);
    expect(badType.json().errors[0].field).toBe("entity_type");
    const noFile = await r.upload("/api/v1/attachments", [
      { name: "entity_type", value: "person" },
      { name: "entity_id", value: person.id },
    ]);
    expect(noFile.statusCode).toBe(422);
    expect(noFile.json().errors[0].field).toBe("file");
    const unknownField = await upload(r, person.id, { content: pdf }, [{ name: "colour", value: "red" }]);
    expect(unknownField.json().errors).toContainEqual({ field: "colour", message: "is not a known field" });
    expect((await upload(t.as("viewer"), person.id, { content: pdf })).statusCode).toBe(403);
    const json = await r.post("/api/v1/attachments", { entity_type: "person" });
    expect(json.statusCode).toBe(415);
  });

  it("a part after the file → 422, and neither file nor row is kept", async () => {
    const before = await blobKeys(t, t.a.id);
    const rows = async () =>
      (await t.as("viewer").get(`/api/v1/attachments?entity_id=${person.id}&limit=200`)).json().data.length;
    const count = await rows();
    const res = await t.as("recruiter").upload("/api/v1/attachments", [
      { name: "entity_type", value: "person" },
      { name: "entity_id", value: person.id },
      { name: "file", filename: "cv.pdf", content: pdf },
      { name: "internal_cv", value: "true" },
    ]);
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([{ field: "internal_cv", message: "the file must be the last part" }]);
    expect(await blobKeys(t, t.a.id)).toEqual(before);
    expect(await rows()).toBe(count);
  });

  it("a truncated upload → 400 problem+json, and neither file nor row is kept", async () => {
    const before = await blobKeys(t, t.a.id);
    const rows = async () =>
      (await t.as("viewer").get(`/api/v1/attachments?entity_id=${person.id}&limit=200`)).json().data.length;
    const count = await rows();
    const { body, contentType } = multipartBody([
      { name: "entity_type", value: "person" },
      { name: "entity_id", value: person.id },
      { name: "file", filename: "cv.pdf", content: makePdf(20_000) },
    ]);
    const fileStart = body.indexOf("%PDF");
    // In the sniffed head, mid-file, and inside the closing boundary (the file's end unknown).
    for (const cut of [fileStart + 100, fileStart + 10_000, body.length - 12]) {
      const res = await t.inject({
        method: "POST",
        url: "/api/v1/attachments",
        headers: { authorization: `Bearer ${t.a.tokens.recruiter}`, "content-type": contentType },
        payload: body.subarray(0, cut),
      });
      expect(res.statusCode, `cut at ${cut}: ${res.body}`).toBe(400);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(res.json().type).toBe("https://hirevault.dev/problems/bad-request");
    }
    expect(await blobKeys(t, t.a.id)).toEqual(before);
    expect(await rows()).toBe(count);
  });

  it("a connection closed mid-upload stores nothing and logs no server error", async () => {
    const lines: string[] = [];
    let answered!: () => void;
    const handled = new Promise<void>((resolve) => {
      answered = resolve;
    });
    const sink = new Writable({
      write(chunk, _enc, done) {
        const line = String(chunk);
        lines.push(line);
        if (/"request (rejected|failed)"/.test(line)) answered();
        done();
      },
    });
    const own = await createTestApp(dialect, { maxUploadBytes: MAX, logger: pino({ level: "info" }, sink) });
    try {
      const target = await createPerson(own.as("recruiter"));
      await own.app.listen({ port: 0, host: "127.0.0.1" });
      const { port } = own.app.server.address() as AddressInfo;
      const { body, contentType } = multipartBody([
        { name: "entity_type", value: "person" },
        { name: "entity_id", value: target.id },
        { name: "file", filename: "cv.pdf", content: makePdf(40_000) },
      ]);
      const head =
        `POST /api/v1/attachments HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${own.a.tokens.recruiter}\r\n` +
        `content-type: ${contentType}\r\ncontent-length: ${body.length}\r\n\r\n`;
      await new Promise<void>((resolve) => {
        const socket = net.connect(port, "127.0.0.1", () => {
          socket.write(head);
          socket.write(body.subarray(0, body.indexOf("%PDF") + 20_000));
          // Once the server is streaming the file, the client goes away.
          setTimeout(() => socket.destroy(), 300);
        });
        socket.on("close", () => resolve());
        socket.on("error", () => undefined);
      });
      // The server notices the broken request on its own time: wait until it has answered it.
      await handled;
      expect(lines.filter((l) => JSON.parse(l).level >= 50)).toEqual([]);
      expect(lines.some((l) => l.includes('"request rejected"'))).toBe(true);
      expect(await blobKeys(own, own.a.id)).toEqual([]);
      const stored = await own.database.db.selectFrom("attachments").select("id").execute();
      expect(stored).toEqual([]);
    } finally {
      await own.close();
    }
  });

  it("deleting an attachment removes its file", async () => {
    const res = await upload(t.as("recruiter"), person.id, { content: pdf });
    const id = res.json().id;
    expect((await t.as("recruiter").delete(`/api/v1/attachments/${id}`)).statusCode).toBe(204);
    expect((await t.as("viewer").get(`/api/v1/attachments/${id}/content`)).statusCode).toBe(404);
    expect(await blobKeys(t, t.a.id)).not.toContain(`accounts/${t.a.id}/attachments/${id}`);
  });
});
