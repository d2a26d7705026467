import type { EXPORT_STATES, EXPORT_TRIGGERS } from "../../db/schema/index.js";
import type { Clock } from "../../domain/clock.js";
import type { ExportFormatId } from "../../exports/export-format.js";
import { DAY_MS, LINK_DAYS } from "../../exports/retention.js";
import {
  type ExportArtifact,
  type ExportRun,
  filesDownloadable,
} from "../../repositories/export-run.repository.js";
import type { PendingInvoice } from "../../repositories/invoice.repository.js";
import type { DownloadLinkService } from "../../services/download-link.service.js";

/** Who links are minted for: the team member behind the request's token (null: none). */
export interface LinkMinting {
  links: DownloadLinkService | undefined;
  clock: Clock;
  userId: string | null;
}

/**
 * An export run as the API shows it: state, progress, errors and warnings an admin can read, and
 * per file its size, SHA-256 and a signed download link valid until the earlier of the files'
 * expiry and 7 days (docs/EXPORTS.md#links-and-downloads: never minted longer). Storage keys never
 * leave the server. A token that acts for no team member gets no link (`download_url: null`): it
 * downloads through `GET /api/v1/exports/{id}/artifacts/{artifact_id}/content` with its own Bearer
 * token instead. A run in `awaiting_payment` lists the pending invoices it waits for
 * (docs/EXPORTS.md#the-full-data-export), so the admin sees why nothing happens and what to pay;
 * every other run shows an empty list.
 */
export function presentExportRun(
  run: ExportRun,
  artifacts: ExportArtifact[],
  minting: LinkMinting,
  pendingInvoices: readonly PendingInvoice[] = [],
) {
  const now = minting.clock.now();
  const linkExpiry = filesDownloadable(run, now)
    ? new Date(Math.min(Date.parse(run.expires_at!), now.getTime() + LINK_DAYS * DAY_MS))
    : null;
  const total = run.progress_total === null ? null : Number(run.progress_total);
  const done = Number(run.progress_done);
  return {
    id: run.id,
    format: run.format as ExportFormatId,
    state: run.state as (typeof EXPORT_STATES)[number],
    trigger: run.trigger as (typeof EXPORT_TRIGGERS)[number],
    period: run.period,
    requested_by_id: run.requested_by_id,
    attempts: run.attempts,
    max_attempts: run.max_attempts,
    progress: {
      done,
      total,
      percent: run.state === "succeeded" ? 100 : total ? Math.min(99, Math.floor((done / total) * 100)) : 0,
    },
    snapshot_at: run.snapshot_at,
    started_at: run.started_at,
    finished_at: run.finished_at,
    expires_at: run.expires_at,
    revoked_at: run.revoked_at,
    error: run.error,
    warnings: parseWarnings(run.warnings),
    pending_invoices:
      run.state === "awaiting_payment"
        ? pendingInvoices.map((i) => ({
            id: i.id,
            number: i.number,
            amount_cents: Number(i.amount_cents),
            currency: i.currency,
            due_date: i.due_date,
          }))
        : [],
    created_at: run.created_at,
    updated_at: run.updated_at,
    artifacts: artifacts.map((a) => {
      const link =
        linkExpiry && minting.links && minting.userId
          ? minting.links.mint({
              accountId: run.account_id,
              exportRunId: run.id,
              artifactId: a.id,
              userId: minting.userId,
              expiresAt: linkExpiry,
            })
          : null;
      return {
        id: a.id,
        part: a.part,
        file_name: a.file_name,
        content_type: a.content_type,
        size_bytes: Number(a.size_bytes),
        sha256: a.sha256,
        download_url: link?.url ?? null,
        download_expires_at: link?.expiresAt.toISOString() ?? null,
      };
    }),
  };
}

function parseWarnings(raw: string | null) {
  if (!raw) return { count: 0, items: [] };
  return JSON.parse(raw) as {
    count: number;
    items: { entity: string; id: string; path: string; reason: string }[];
  };
}
