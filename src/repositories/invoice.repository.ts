import type { Kysely, Selectable } from "kysely";
import type { DB } from "../db/schema/index.js";

export type Invoice = Selectable<DB["invoices"]>;

/** What a waiting export shows about an invoice it waits for: enough to find and pay it. */
export type PendingInvoice = Pick<Invoice, "id" | "number" | "amount_cents" | "currency" | "due_date">;

/**
 * Invoice reads for the full export's payment gate (docs/EXPORTS.md#the-full-data-export) and
 * `hirevault invoice`. Writes go through EntityService (rules, audit, release of waiting exports),
 * never through here.
 */
export class InvoiceRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The account's pending invoices, oldest due first: what a full export waits for. */
  pending(accountId: string): Promise<PendingInvoice[]> {
    return this.db
      .selectFrom("invoices")
      .select(["id", "number", "amount_cents", "currency", "due_date"])
      .where("account_id", "=", accountId)
      .where("status", "=", "pending")
      .orderBy("due_date")
      .orderBy("number")
      .execute();
  }

  /** Every invoice of the account, newest due first (a handful per account). */
  list(accountId: string): Promise<Invoice[]> {
    return this.db
      .selectFrom("invoices")
      .selectAll()
      .where("account_id", "=", accountId)
      .orderBy("due_date", "desc")
      .orderBy("number", "desc")
      .execute();
  }

  /** The invoice with this number (unique per account). */
  findByNumber(accountId: string, number: string): Promise<Invoice | undefined> {
    return this.db
      .selectFrom("invoices")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("number", "=", number)
      .executeTakeFirst();
  }
}
