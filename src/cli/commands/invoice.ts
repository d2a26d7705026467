import type { Command } from "commander";

/**
 * `hirevault invoice list|pay|void` (support's side of docs/EXPORTS.md#the-full-data-export): see
 * an account's invoices and settle one. Settling goes through EntityService like `PATCH
 * /api/v1/invoices/:id`, so `paid_at`, the audit log and the release of full exports waiting for
 * payment happen exactly as in the API.
 */
export function registerInvoice(program: Command): void {
  const invoice = program.command("invoice").description("list an account's invoices, mark one paid or void");
  invoice
    .command("list")
    .description("the account's invoices, one per line: number, status, amount, due date")
    .requiredOption("--account <name>", "account name")
    .action(async (opts: { account: string }) => (await import("../actions/invoice.js")).listInvoices(opts));
  for (const [verb, status] of [
    ["pay", "paid"],
    ["void", "void"],
  ] as const) {
    invoice
      .command(`${verb} <number>`)
      .description(`mark an invoice ${status}; full exports waiting for payment start once none is pending`)
      .requiredOption("--account <name>", "account name")
      .action(async (number: string, opts: { account: string }) =>
        (await import("../actions/invoice.js")).setInvoiceStatus(number, opts, status),
      );
  }
}
