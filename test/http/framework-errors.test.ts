import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/test-app.js";

const P = "https://hirevault.dev/problems/";

/** A raw HTTP/1.1 exchange over a real socket: what the server wrote until it closed. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    const socket = net.connect(port, "127.0.0.1", () => socket.end(request));
    socket.on("data", (d) => (data += d));
    socket.on("close", () => resolve(data));
    socket.on("error", (err) => (data ? resolve(data) : reject(err)));
  });
}

/** Status, headers (lower-case names) and body of a raw HTTP response. */
function parseResponse(raw: string) {
  const end = raw.indexOf("\r\n\r\n");
  const [statusLine, ...lines] = raw.slice(0, end).split("\r\n");
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
  );
  return { status: Number(statusLine!.split(" ")[1]), headers, body: raw.slice(end + 4) };
}

function expectProblem(
  res: { status: number; headers: Record<string, unknown>; body: string },
  status: number,
  kind: string,
) {
  expect(res.status, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body).toMatchObject({
    type: P + kind,
    status,
    title: expect.any(String),
    detail: expect.any(String),
  });
  return body;
}

// real: Fastify on a loopback port (Node's HTTP parser answers 431/400 before any route runs, where
// app.inject cannot reach), and app.inject for what the router answers. No database behaviour.
describe("errors Fastify and Node answer themselves are problem+json too", () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp("sqlite");
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("a 5,000-character path id → 414 problem+json that does not echo the path", async () => {
    const id = "z".repeat(5000);
    const res = await t.as("viewer").get(`/api/v1/persons/${id}`);
    const body = expectProblem(
      { status: res.statusCode, headers: res.headers, body: res.body },
      414,
      "uri-too-long",
    );
    expect(res.body).not.toContain("zzzzzzzzzz");
    expect(body.instance).toBeUndefined();
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("a malformed percent-encoding in the path → 400 problem+json without the path", async () => {
    const res = await t.as("viewer").get("/api/v1/persons/%E0%A4%A-marker");
    expectProblem({ status: res.statusCode, headers: res.headers, body: res.body }, 400, "bad-request");
    expect(res.body).not.toContain("marker");
  });

  it("an unknown path is a 404 that does not repeat a long path", async () => {
    const res = await t.as("viewer").get(`/api/v1/${"q".repeat(3000)}`);
    expectProblem({ status: res.statusCode, headers: res.headers, body: res.body }, 404, "not-found");
    expect(res.body).not.toContain("qqqqqqqqqq");
  });

  it("a 20 KB query string over a real socket → 431 problem+json without the query", async () => {
    const raw = await rawExchange(
      port,
      `GET /api/v1/persons?x=${"y".repeat(20_000)} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`,
    );
    const res = parseResponse(raw);
    expectProblem(res, 431, "header-fields-too-large");
    expect(raw).not.toContain("yyyyyyyyyy");
  });

  it("a 20 KB header over a real socket → 431 problem+json without the header", async () => {
    const raw = await rawExchange(
      port,
      `GET /api/v1/me HTTP/1.1\r\nhost: 127.0.0.1\r\nx-junk: ${"w".repeat(20_000)}\r\n\r\n`,
    );
    const res = parseResponse(raw);
    expectProblem(res, 431, "header-fields-too-large");
    expect(raw).not.toContain("wwwwwwwwww");
  });

  it("a request Node cannot parse, over a real socket → 400 problem+json", async () => {
    const raw = await rawExchange(
      port,
      "GET /api/v1/me HTTP/1.1\r\nhost: 127.0.0.1\r\nbad header line\r\n\r\n",
    );
    const res = parseResponse(raw);
    expectProblem(res, 400, "bad-request");
    expect(raw).not.toContain("bad header line");
  });
});
