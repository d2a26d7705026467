import { ConflictError } from "../domain/errors.js";
import type { RequestedRun } from "../services/export.service.js";
import { formatAmount } from "./actions/invoice.js";

/**
 * `hirevault export full` on an account with a pending invoice
 * (docs/EXPORTS.md#the-full-data-export): the run stays in `awaiting_payment` — it starts by itself
 * once the invoices are paid or voided, made by any worker — and the command fails (exit 1) naming
 * the invoices and the command that pays each, rather than waiting for a payment that may take
 * days.
 */
export function failIfAwaitingPayment(requested: RequestedRun, accountName: string): void {
  const { run, pendingInvoices } = requested;
  if (run.state !== "awaiting_payment") return;
  const account = shellWord(accountName);
  const one = pendingInvoices.length === 1;
  const lines = [
    `the ${run.format} export of ${accountName} waits for payment (export ${run.id}, state awaiting_payment)`,
    `pending invoice${one ? "" : "s"}:`,
    ...pendingInvoices.map((i) => `  ${i.number}  ${formatAmount(i)}  due ${i.due_date}`),
    `pay ${one ? "it" : "them"} with:`,
    ...pendingInvoices.map((i) => `  hirevault invoice pay ${shellWord(i.number)} --account ${account}`),
    "once no invoice is pending the export starts by itself (a running worker makes it);",
    "run this command again to follow it and save its files",
  ];
  throw new ConflictError(lines.join("\n"));
}

/** A word as typed in a POSIX shell: quoted only when it has to be. */
function shellWord(word: string): string {
  return /^[\w.@%+=:,/-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
