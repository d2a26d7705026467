import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/domain/clock.js";
import { InvoiceRepository } from "../../src/repositories/invoice.repository.js";
import { DEMO_ACCOUNT, type DemoAccount, seedDemoAccount } from "../../src/seed/demo.js";
import { ExportService } from "../../src/services/export.service.js";
import { LocalBlobStore } from "../../src/storage/local-blob-store.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../support/dialects.js";

describe.each(DIALECTS)("seedDemoAccount on %s", (dialect) => {
  let database: TestDatabase;
  let dir: string;
  let demo: DemoAccount;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "hv-seed-demo-"));
    demo = await seedDemoAccount({ db: database.db, blobs: new LocalBlobStore(dir) });
  });
  afterAll(async () => {
    await database?.drop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('makes account "demo" in Europe/London with 300 candidates and an owner and an admin', async () => {
    const account = await database.db
      .selectFrom("accounts")
      .selectAll()
      .where("id", "=", demo.accountId)
      .executeTakeFirstOrThrow();
    expect(account).toMatchObject({ name: "demo", time_zone: "Europe/London" });
    const roles = await database.db
      .selectFrom("users")
      .select(["id", "role", "status", "account_id"])
      .where("id", "in", [demo.ownerUserId, demo.adminUserId])
      .execute();
    expect(new Set(roles.map((r) => `${r.role}/${r.status}/${r.account_id === demo.accountId}`))).toEqual(
      new Set(["owner/active/true", "admin/active/true"]),
    );
    // Every person is a candidate or a client contact.
    expect(demo.counts.persons).toBe(DEMO_ACCOUNT.candidates + demo.counts.client_contacts!);
  });

  it("has a pending invoice, so a full export requested on it waits for payment (docs/EXPORTS.md#the-full-data-export)", async () => {
    const invoices = await new InvoiceRepository(database.db).pending(demo.accountId);
    expect(invoices).toHaveLength(1);
    const exports = new ExportService(database.db, systemClock);
    const ctx = {
      accountId: demo.accountId,
      actor: { type: "user" as const, id: demo.adminUserId, role: "admin" as const },
    };
    const { run, pendingInvoices } = await exports.request(ctx, "full");
    expect(run.state).toBe("awaiting_payment");
    expect(pendingInvoices.map((i) => i.number)).toEqual([invoices[0]!.number]);
  });

  it("refuses to run twice", async () => {
    await expect(seedDemoAccount({ db: database.db, blobs: new LocalBlobStore(dir) })).rejects.toThrow(
      /exists already/,
    );
  });
});
