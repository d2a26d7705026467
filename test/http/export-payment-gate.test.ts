import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import { ReleasePaidExportsTask } from "../../src/jobs/tasks/release-paid-exports.task.js";
import { silent } from "../jobs/helpers.js";
import { DIALECTS } from "../support/dialects.js";
import { insertFinishedExport } from "../support/export-rows.js";
import { createTestApp, type TestAccount, type TestApp } from "../support/test-app.js";

// real: SQLite / PostgreSQL, app.inject (no port), the release task. No worker runs: reaching
// `queued` is what the payment gate decides; making the full export is another suite's job.
describe.each(DIALECTS)("full export payment gate (%s)", (dialect) => {
  let t: TestApp;
  let clock: FixedClock;

  beforeAll(async () => {
    clock = new FixedClock(new Date("2026-11-24T10:00:00Z"));
    t = await createTestApp(dialect, { clock });
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    const { db } = t.database;
    await db.deleteFrom("export_artifacts").execute();
    await db.deleteFrom("export_runs").execute();
    await db.deleteFrom("invoices").execute();
  });

  /** A pending invoice made by the owner through the API. */
  async function pendingInvoice(number: string, account: TestAccount = t.a): Promise<string> {
    const res = await t
      .as("owner", account)
      .post("/api/v1/invoices", { number, amount_cents: 12_345, currency: "EUR", due_date: "2026-12-08" });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  const requestFull = (account: TestAccount = t.a) =>
    t.as("admin", account).post("/api/v1/exports", { format: "full" });
  const getRun = async (id: string, account: TestAccount = t.a) =>
    (await t.as("admin", account).get(`/api/v1/exports/${id}`)).json();
  const audits = (entityId: string) =>
    t.database.db
      .selectFrom("audit_log")
      .select(["action", "actor_type", "actor_id", "changes"])
      .where("entity_id", "=", entityId)
      .orderBy("id")
      .execute();

  it("a full export requested with a pending invoice waits (202 awaiting_payment) and lists the invoice", async () => {
    const invoiceId = await pendingInvoice("INV-2026-002");
    // Two at once: one run, both 202 with the same id (docs/EXPORTS.md#export-runs).
    const [first, second] = await Promise.all([requestFull(), requestFull()]);
    expect(first!.statusCode).toBe(202);
    expect(second!.statusCode).toBe(202);
    const run = first!.json();
    expect(second!.json().id).toBe(run.id);
    expect(run).toMatchObject({ format: "full", state: "awaiting_payment" });
    expect(run.pending_invoices).toEqual([
      {
        id: invoiceId,
        number: "INV-2026-002",
        amount_cents: 12_345,
        currency: "EUR",
        due_date: "2026-12-08",
      },
    ]);
    expect(second!.json().pending_invoices).toHaveLength(1);
    expect((await getRun(run.id)).pending_invoices).toHaveLength(1);
    const listed = (await t.as("admin").get("/api/v1/exports")).json().data;
    expect(listed).toHaveLength(1);
    expect(listed[0].pending_invoices[0].number).toBe("INV-2026-002");
    const requested = (await audits(run.id)).filter((a) => a.action === "export.requested");
    expect(requested).toHaveLength(2);
    for (const a of requested) expect(JSON.parse(a.changes!)).toMatchObject({ awaiting_payment: true });
  });

  it("never holds back a backup, and lists no invoice on runs that do not wait", async () => {
    await pendingInvoice("INV-1");
    const res = await t.as("admin").post("/api/v1/exports", { format: "backup" });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ state: "queued", pending_invoices: [] });
    const audit = (await audits(res.json().id)).find((a) => a.action === "export.requested")!;
    expect(JSON.parse(audit.changes!)).toMatchObject({ awaiting_payment: false });
    const list = (await t.as("admin").get("/api/v1/backup-schedule")).json();
    expect(list.backups[0]).toMatchObject({ state: "queued", pending_invoices: [] });
  });

  it("paying the invoice (owner) queues the waiting run in the same request; an admin may not", async () => {
    const invoiceId = await pendingInvoice("INV-1");
    const run = (await requestFull()).json();
    expect((await t.as("admin").patch(`/api/v1/invoices/${invoiceId}`, { status: "paid" })).statusCode).toBe(
      403,
    );
    expect((await getRun(run.id)).state).toBe("awaiting_payment");

    clock.advance(60_000);
    const paid = await t.as("owner").patch(`/api/v1/invoices/${invoiceId}`, { status: "paid" });
    expect(paid.statusCode).toBe(200);
    expect(paid.json()).toMatchObject({ status: "paid", paid_at: clock.now().toISOString() });
    const after = await getRun(run.id);
    expect(after).toMatchObject({ state: "queued", pending_invoices: [] });
    const row = await t.database.db
      .selectFrom("export_runs")
      .select(["run_at", "active_key"])
      .where("id", "=", run.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ run_at: clock.now().toISOString(), active_key: "full" });
    const cleared = (await audits(run.id)).filter((a) => a.action === "export.payment_cleared");
    expect(cleared).toHaveLength(1);
    expect(cleared[0]).toMatchObject({ actor_type: "user", actor_id: t.a.userIds.owner });
    expect(JSON.parse(cleared[0]!.changes!)).toEqual({ format: "full", cause: "invoice_paid" });
    expect((await audits(invoiceId)).map((a) => a.action)).toEqual(["invoice.created", "invoice.updated"]);
    // A new request joins the queued run.
    expect((await requestFull()).json()).toMatchObject({ id: run.id, state: "queued" });
  });

  it("voiding the invoice releases the run too", async () => {
    const invoiceId = await pendingInvoice("INV-1");
    const run = (await requestFull()).json();
    expect((await t.as("owner").patch(`/api/v1/invoices/${invoiceId}`, { status: "void" })).statusCode).toBe(
      200,
    );
    expect((await getRun(run.id)).state).toBe("queued");
    const cleared = (await audits(run.id)).find((a) => a.action === "export.payment_cleared")!;
    expect(JSON.parse(cleared.changes!)).toMatchObject({ cause: "invoice_voided" });
  });

  it("deleting the last pending invoice releases the run", async () => {
    const invoiceId = await pendingInvoice("INV-1");
    const run = (await requestFull()).json();
    expect((await t.as("owner").delete(`/api/v1/invoices/${invoiceId}`)).statusCode).toBe(204);
    expect((await getRun(run.id)).state).toBe("queued");
    const cleared = (await audits(run.id)).find((a) => a.action === "export.payment_cleared")!;
    expect(JSON.parse(cleared.changes!)).toMatchObject({ cause: "invoice_deleted" });
  });

  it("with two pending invoices, paying one keeps the run waiting; paying the second releases it", async () => {
    const one = await pendingInvoice("INV-1");
    const two = await pendingInvoice("INV-2");
    const run = (await requestFull()).json();
    expect(run.pending_invoices.map((i: { number: string }) => i.number)).toEqual(["INV-1", "INV-2"]);
    await t.as("owner").patch(`/api/v1/invoices/${one}`, { status: "paid" });
    const waiting = await getRun(run.id);
    expect(waiting.state).toBe("awaiting_payment");
    expect(waiting.pending_invoices.map((i: { number: string }) => i.number)).toEqual(["INV-2"]);
    // Edits that leave an invoice pending change nothing.
    await t.as("owner").patch(`/api/v1/invoices/${two}`, { amount_cents: 1 });
    expect((await getRun(run.id)).state).toBe("awaiting_payment");
    await t.as("owner").patch(`/api/v1/invoices/${two}`, { status: "paid" });
    expect((await getRun(run.id)).state).toBe("queued");
  });

  it("a new pending invoice does not stop a run already queued", async () => {
    const run = (await requestFull()).json();
    expect(run).toMatchObject({ state: "queued", pending_invoices: [] });
    await pendingInvoice("INV-LATE");
    expect((await getRun(run.id)).state).toBe("queued");
    expect((await requestFull()).json()).toMatchObject({ id: run.id, state: "queued" });
  });

  it("the periodic task releases runs whose invoices were settled outside the API, per account", async () => {
    await pendingInvoice("INV-A");
    await pendingInvoice("INV-B", t.b);
    const runA = (await requestFull()).json();
    const runB = (await requestFull(t.b)).json();
    expect([runA.state, runB.state]).toEqual(["awaiting_payment", "awaiting_payment"]);
    // A billing import marks A's invoice paid behind the API's back: nothing moves by itself…
    await t.database.db
      .updateTable("invoices")
      .set({ status: "paid", paid_at: clock.now().toISOString() })
      .where("account_id", "=", t.a.id)
      .execute();
    expect((await getRun(runA.id)).state).toBe("awaiting_payment");
    // …until the sweep: A's run is queued, B (still owing) keeps waiting.
    const task = new ReleasePaidExportsTask(t.database.db, clock, silent);
    expect(task.intervalMs).toBe(15_000);
    await task.run();
    expect((await getRun(runA.id)).state).toBe("queued");
    expect((await getRun(runB.id, t.b)).state).toBe("awaiting_payment");
    const cleared = (await audits(runA.id)).find((a) => a.action === "export.payment_cleared")!;
    expect(cleared).toMatchObject({ actor_type: "system", actor_id: null });
    expect(JSON.parse(cleared.changes!)).toMatchObject({ cause: "sweep" });
    await task.run(); // idempotent: nothing more to release, no second audit entry
    expect((await audits(runA.id)).filter((a) => a.action === "export.payment_cleared")).toHaveLength(1);
  });

  it("a request joining a waiting run whose invoices were settled outside the API releases it", async () => {
    await pendingInvoice("INV-1");
    const run = (await requestFull()).json();
    await t.database.db.updateTable("invoices").set({ status: "void" }).execute();
    const again = (await requestFull()).json();
    expect(again).toMatchObject({ id: run.id, state: "queued", pending_invoices: [] });
  });

  it("lets only owners and admins request a full export", async () => {
    for (const role of ["viewer", "recruiter"] as const) {
      expect((await t.as(role).post("/api/v1/exports", { format: "full" })).statusCode).toBe(403);
    }
    expect((await t.as("owner").post("/api/v1/exports", { format: "full" })).statusCode).toBe(202);
  });

  // docs/EXPORTS.md#full-export-and-invoices, policy in docs/EXPORTS.md: the gate is on making a
  // full export; files already made stay downloadable whatever happens to invoices afterwards.
  it("keeps a finished export's links working after an invoice turns pending", async () => {
    const bytes = Buffer.from("part,link\r\n");
    const { runId, artifactId } = await insertFinishedExport(t.database.db, t.blobs, {
      accountId: t.a.id,
      now: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 7 * 86_400_000),
      bytes,
      storageKey: (id) => `accounts/${t.a.id}/exports/${id}/1/master`,
      format: "full",
      part: "master",
      fileName: "master.csv",
      contentType: "text/csv",
      requestedById: t.a.userIds.admin,
      run: { max_attempts: 5 },
    });
    const link = (await getRun(runId)).artifacts[0].download_url as string;
    expect(link).toMatch(/^\/downloads\//);

    await pendingInvoice("INV-UNPAID");
    const viaLink = await t.inject({ method: "GET", url: link });
    expect(viaLink.statusCode).toBe(200);
    expect(viaLink.rawPayload.equals(bytes)).toBe(true);
    const viaApi = await t.as("admin").get(`/api/v1/exports/${runId}/artifacts/${artifactId}/content`);
    expect(viaApi.statusCode).toBe(200);
    // The finished run itself does not wait: it lists no invoice.
    expect((await getRun(runId)).pending_invoices).toEqual([]);
  });
});
