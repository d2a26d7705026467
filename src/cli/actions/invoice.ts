import { systemClock } from "../../domain/clock.js";
import { NotFoundError } from "../../domain/errors.js";
import { ExportRunRepository } from "../../repositories/export-run.repository.js";
import { type Invoice, InvoiceRepository } from "../../repositories/invoice.repository.js";
import type { Runtime } from "../../runtime.js";
import { EntityService } from "../../services/entity.service.js";
import { SYSTEM_ACTOR } from "../../services/write-context.js";
import { requireAccount, withRuntime } from "../context.js";

/** `1234.5 EUR` → "1,234.50 EUR": amounts are stored in cents. */
export function formatAmount(invoice: Pick<Invoice, "amount_cents" | "currency">): string {
  const units = Number(invoice.amount_cents) / 100;
  return `${units.toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${invoice.currency}`;
}

/** `hirevault invoice list`: the account's invoices, one per line. */
export async function listInvoices(opts: { account: string }): Promise<void> {
  await withRuntime(async (rt) => {
    const account = await requireAccount(rt, opts.account);
    const rows = await new InvoiceRepository(rt.database.db).list(account.id);
    if (rows.length === 0) process.stderr.write(`${account.name} has no invoices\n`);
    for (const i of rows) {
      const paid = i.paid_at ? `  paid ${i.paid_at.slice(0, 10)}` : "";
      process.stdout.write(
        `${i.number}  ${i.status.padEnd(7)}  ${formatAmount(i).padStart(16)}  due ${i.due_date}${paid}\n`,
      );
    }
  });
}

/**
 * `hirevault invoice pay|void <number>`. Settling goes through EntityService like
 * `PATCH /api/v1/invoices/:id`, so `paid_at`, the audit log and the release of full exports
 * waiting for payment happen exactly as in the API.
 */
export async function setInvoiceStatus(
  number: string,
  opts: { account: string },
  status: "paid" | "void",
): Promise<void> {
  await withRuntime(async (rt) => {
    process.stdout.write(`${await settleInvoice(rt, opts.account, number, status)}\n`);
  });
}

/** Sets the invoice's status as the system actor and says what became of the waiting exports. */
async function settleInvoice(
  rt: Runtime,
  accountName: string,
  number: string,
  status: "paid" | "void",
): Promise<string> {
  const { db } = rt.database;
  const account = await requireAccount(rt, accountName);
  const invoices = new InvoiceRepository(db);
  const found = await invoices.findByNumber(account.id, number);
  if (!found) throw new NotFoundError("invoice", `${number} of account ${account.name}`);
  if (found.status === status) return `invoice ${number} is already ${status}; nothing changed`;
  const runs = new ExportRunRepository(db);
  const waiting = await runs.awaitingPayment(account.id);
  const entities = new EntityService({
    db,
    dialect: rt.database.dialect,
    blobs: rt.blobs,
    clock: systemClock,
  });
  await entities.update({ accountId: account.id, actor: SYSTEM_ACTOR }, "invoices", found.id, { status });
  const still = new Set((await runs.awaitingPayment(account.id)).map((r) => r.id));
  const released = waiting.filter((r) => !still.has(r.id)).length;
  if (released > 0) return `invoice ${number} ${status}; ${plural(released, "waiting export")} released`;
  if (still.size === 0) return `invoice ${number} ${status}`;
  const pending = (await invoices.pending(account.id)).map((i) => i.number).join(", ");
  return `invoice ${number} ${status}; ${plural(still.size, "export")} still waiting for ${pending}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
