import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uuidv7 } from "../../src/domain/ids.js";
import { recordAudit } from "../../src/repositories/audit-log.repository.js";
import { SYSTEM_ACTOR } from "../../src/services/write-context.js";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { signIn, type WebClient } from "./_helpers/web-client.js";

const PAGE = "/settings/audit-log";
const HOSTILE = "<script>alert(1)</script>";

/** Rows of the entries table (one `Time` cell each). */
function rowCount(body: string): number {
  return (body.match(/<td data-label="Time">/g) ?? []).length;
}

/** The `href` of the "Older" link, as a browser would follow it. */
function olderLink(body: string): string | null {
  const m = /<a href="([^"]*)" rel="next">Older<\/a>/.exec(body);
  return m ? m[1]!.replaceAll("&amp;", "&") : null;
}

describe.each(DIALECTS)("web: Settings › Audit log (%s)", (dialect) => {
  let t: TestApp;
  let admin: WebClient;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    // A name only account A has, to tell A's entries apart on B's page.
    await t.database.db
      .updateTable("users")
      .set({ name: "Ada Admin" })
      .where("id", "=", t.a.userIds.admin)
      .execute();
    admin = await signIn(t, "admin");
    const created = await admin.post("/settings/api-tokens", {
      name: "CI exporter",
      role: "viewer",
      expires: "30d",
    });
    expect(created.statusCode).toBe(201);
    const exported = await t.as("admin").post("/api/v1/exports", { format: "snapshot" });
    expect(exported.statusCode, exported.body).toBe(202);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists the sign-in, the token creation and the API export request, newest first, with who did them", async () => {
    const res = await admin.get(PAGE);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('aria-current="page">Audit log<');
    const body = res.body;
    const requested = body.indexOf("Requested an export");
    const tokenCreated = body.indexOf("Created an API token");
    const signedIn = body.indexOf("Signed in");
    expect(requested).toBeGreaterThan(-1);
    expect(tokenCreated).toBeGreaterThan(requested);
    expect(signedIn).toBeGreaterThan(tokenCreated);
    expect(body).toContain('<td data-label="Who">Ada Admin</td>');
    expect(body).toContain("token: CI exporter · role: viewer");
    expect(body).toContain("format: snapshot");
    // The password the sign-in helper set (as the system) names whose it was.
    expect(body).toMatch(
      /<td data-label="Who">System<\/td><td data-label="Action">Password set<\/td><td data-label="Details">user: Ada Admin</,
    );
    // Times are `<time>` elements with the UTC instant kept in `datetime`.
    expect(body).toMatch(/<td data-label="Time"><time datetime="\d{4}-\d\d-\d\dT[^"]+Z"/);
  });

  it("names an API token that acts for nobody, and the system", async () => {
    const { token, row } = await t.tokens.create(t.a.id, { name: "Unbound bot", role: "admin" });
    const res = await t.anonymous(`Bearer ${token}`).post("/api/v1/exports", { format: "snapshot" });
    expect(res.statusCode, res.body).toBe(202);
    await recordAudit(
      t.database.db,
      { accountId: t.a.id, actor: SYSTEM_ACTOR },
      {
        action: "export.expired",
        entityType: "export_run",
        entityId: uuidv7(),
        changes: { format: "snapshot" },
      },
      new Date().toISOString(),
    );
    const body = (await admin.get(PAGE)).body;
    expect(body).toContain('<td data-label="Who">API token Unbound bot</td>');
    expect(body).toContain('<td data-label="Who">System</td>');
    expect(body).toContain("Export expired");
    expect(body).not.toContain(row.id); // ids are not part of the view
  });

  it("keeps accounts apart: B's page shows none of A's entries", async () => {
    const bOwner = await signIn(t, "owner", t.b);
    const res = await bOwner.get(PAGE);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("Signed in"); // B's own sign-in
    expect(res.body).not.toContain("Ada Admin");
    expect(res.body).not.toContain("CI exporter");
    expect(res.body).not.toContain("Requested an export");
    expect(res.body).not.toContain("Unbound bot");
  });

  it("shows hostile text escaped, never as markup", async () => {
    expect(
      (await admin.post("/settings/api-tokens", { name: HOSTILE, role: "viewer", expires: "30d" }))
        .statusCode,
    ).toBe(201);
    await recordAudit(
      t.database.db,
      { accountId: t.a.id, actor: SYSTEM_ACTOR, ip: '"><img src=x onerror=alert(2)>' },
      {
        action: "export.download_denied",
        changes: { reason: "<b onmouseover=alert(3)>expired</b>", format: "x' onfocus='alert(4)" },
      },
      new Date().toISOString(),
    );
    // A malformed `changes` is shown without details, not as a 500.
    const at = new Date().toISOString();
    await t.database.db
      .insertInto("audit_log")
      .values({
        id: uuidv7(),
        account_id: t.a.id,
        actor_type: "system",
        actor_id: null,
        action: "export.<i>odd</i>",
        entity_type: null,
        entity_id: null,
        at,
        changes: "{not json",
        ip: null,
        created_at: at,
        updated_at: at,
      })
      .execute();

    const res = await admin.get(PAGE);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("token: &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(res.body).not.toContain(HOSTILE);
    expect(res.body).toContain("&lt;b onmouseover=alert(3)&gt;expired&lt;/b&gt;");
    expect(res.body).toContain("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;");
    expect(res.body).toContain("x&#39; onfocus=&#39;alert(4)");
    expect(res.body).toContain("<code>export.&lt;i&gt;odd&lt;/i&gt;</code>");
    expect(res.body).not.toMatch(/<img|<b |<i>/);

    const tokens = await admin.get("/settings/api-tokens");
    expect(tokens.body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(tokens.body).not.toContain(HOSTILE);
  });

  it("filters by kind and leaves other audit entries out of the view", async () => {
    await recordAudit(
      t.database.db,
      { accountId: t.a.id, actor: SYSTEM_ACTOR },
      { action: "attachment.downloaded", changes: { format: "outside-the-view" } },
      new Date().toISOString(),
    );
    const all = await admin.get(PAGE);
    expect(all.body).not.toContain("outside-the-view");
    expect(all.body).toContain('<option value="all" selected>All</option>');

    const signIns = await admin.get(`${PAGE}?filter=sign-ins`);
    expect(signIns.statusCode).toBe(200);
    expect(signIns.body).toContain('<option value="sign-ins" selected>Sign-ins</option>');
    expect(signIns.body).toContain("Signed in");
    expect(signIns.body).not.toContain("Requested an export");
    expect(signIns.body).not.toContain("Created an API token");

    const tokens = await admin.get(`${PAGE}?filter=tokens`);
    expect(tokens.body).toContain("Created an API token");
    expect(tokens.body).not.toContain("Signed in");
    expect(tokens.body).not.toContain("Requested an export");

    const exports = await admin.get(`${PAGE}?filter=exports`);
    expect(exports.body).toContain("Requested an export");
    expect(exports.body).toContain("Export expired");
    expect(exports.body).not.toContain("Signed in");
    expect(exports.body).not.toContain("Created an API token");

    const unknown = await admin.get(`${PAGE}?filter=everything`);
    expect(unknown.statusCode).toBe(400);
  });

  it("pages 50 at a time with an Older link (id cursor), in account B", async () => {
    const bOwner = await signIn(t, "owner", t.b);
    const start = Date.now();
    for (let i = 1; i <= 60; i++) {
      await recordAudit(
        t.database.db,
        { accountId: t.b.id, actor: SYSTEM_ACTOR, ip: "203.0.113.9" },
        {
          action: "export.downloaded",
          entityType: "export_run",
          entityId: uuidv7(),
          changes: { part: `p${i}`, bytes_sent: 1_500_000, via: "api", range: "bytes=0-99" },
        },
        new Date(start + i).toISOString(),
      );
    }
    const inView = async () =>
      (
        await t.database.db
          .selectFrom("audit_log")
          .select("action")
          .where("account_id", "=", t.b.id)
          .execute()
      ).filter((r) =>
        /^(export\.|report\.|backup_schedule\.|api_token\.|user\.sign|user\.password)/.test(r.action),
      ).length;
    const total = await inView();
    expect(total).toBeGreaterThan(60);

    const first = await bOwner.get(`${PAGE}?filter=exports`);
    expect(first.statusCode).toBe(200);
    expect(rowCount(first.body)).toBe(50);
    expect(first.body).toContain("part: p60 · bytes: 1.5 MB · range: bytes=0-99 · via: api");
    expect(first.body.indexOf("part: p60 ")).toBeLessThan(first.body.indexOf("part: p59 "));
    expect(first.body).not.toContain("part: p10 ");
    const next = olderLink(first.body);
    expect(next).toMatch(/^\/settings\/audit-log\?filter=exports&before=[0-9a-f-]{36}$/);

    const second = await bOwner.get(next!);
    expect(second.statusCode).toBe(200);
    expect(rowCount(second.body)).toBe(10);
    expect(second.body).toContain("part: p10 ");
    expect(second.body).toContain("part: p1 ");
    expect(second.body).not.toContain("part: p11 ");
    expect(olderLink(second.body)).toBeNull();
    expect(second.body).toContain('<a href="/settings/audit-log?filter=exports">Newest</a>');

    // "All" pages through every entry of the view exactly once.
    let url: string | null = PAGE;
    let seen = 0;
    while (url) {
      const res = await bOwner.get(url);
      expect(res.statusCode).toBe(200);
      seen += rowCount(res.body);
      url = olderLink(res.body);
    }
    expect(seen).toBe(total);
  });

  it("answers a malformed cursor with a 400 page, not a 500", async () => {
    for (const bad of ["nope", "1%27%20OR%201=1--", uuidv7().toUpperCase(), "x&before=y"]) {
      const res = await admin.get(`${PAGE}?before=${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.headers["content-type"]).toContain("text/html");
      expect(res.body).toContain("Bad request");
    }
    const repeated = await admin.get(`${PAGE}?before=${uuidv7()}&before=${uuidv7()}`);
    expect(repeated.statusCode).toBe(400);
    const beforeAll = await admin.get(`${PAGE}?before=00000000-0000-7000-8000-000000000000`);
    expect(beforeAll.statusCode).toBe(200);
    expect(rowCount(beforeAll.body)).toBe(0);
    expect(beforeAll.body).toContain("No entries older than these.");
  });

  it("refuses recruiters (403) and sends the signed-out to sign in", async () => {
    const recruiter = await signIn(t, "recruiter");
    const res = await recruiter.get(PAGE);
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain("Requested an export");
    const anonymous = await t.inject({ method: "GET", url: PAGE, headers: { accept: "text/html" } });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe(`/login?next=${encodeURIComponent(PAGE)}`);
  });
});
