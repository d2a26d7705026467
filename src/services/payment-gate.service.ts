import type { Kysely } from "kysely";
import type { DB } from "../db/schema/index.js";
import type { ExportFormatId } from "../exports/export-format.js";
import { recordAudit } from "../repositories/audit-log.repository.js";
import { type ExportRun, ExportRunRepository } from "../repositories/export-run.repository.js";
import type { WriteContext } from "./write-context.js";

/**
 * Formats held back while the account has a pending invoice (docs/EXPORTS.md#the-full-data-export).
 * Only the full export: the monthly backup and the snapshot are never held back — data is never
 * held hostage — and a finished export's files stay downloadable whatever happens to invoices later
 * (docs/EXPORTS.md#full-export-and-invoices, docs/EXPORTS.md).
 */
export const PAYMENT_GATED_FORMATS: ReadonlySet<ExportFormatId> = new Set<ExportFormatId>(["full"]);

/** Why waiting runs were released, for the audit log. */
export type ReleaseCause = "invoice_paid" | "invoice_voided" | "invoice_deleted" | "request" | "sweep";

/**
 * Releases the runs that wait for payment of accounts with no pending invoice left (one account,
 * or all when `accountId` is omitted) and audits each as `export.payment_cleared`. `db` may be a
 * transaction: the invoice write releases inside its own, so the audit entries and the state
 * change commit (or roll back) with the invoice.
 */
export async function releasePaidExports(
  db: Kysely<DB>,
  now: Date,
  who: Pick<WriteContext, "actor" | "ip">,
  cause: ReleaseCause,
  accountId?: string,
): Promise<ExportRun[]> {
  const released = await ExportRunRepository.releasePaid(db, now, accountId);
  for (const run of released) {
    await recordAudit(
      db,
      { accountId: run.account_id, actor: who.actor, ip: who.ip },
      {
        action: "export.payment_cleared",
        entityType: "export_run",
        entityId: run.id,
        changes: { format: run.format, cause },
      },
      now.toISOString(),
    );
  }
  return released;
}
