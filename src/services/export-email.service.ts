import type { Kysely } from "kysely";
import type { DB } from "../db/schema/index.js";
import { canExport, type Role } from "../domain/roles.js";
import type { ExportFormat } from "../exports/export-format.js";
import { exportFormat } from "../exports/registry.js";
import type { EmailMessage } from "../mail/mailer.js";
import { exportFailedEmail } from "../mail/templates/export-failed.js";
import { exportReadyEmail } from "../mail/templates/export-ready.js";
import { AccountRepository } from "../repositories/account.repository.js";
import {
  type ExportRun,
  ExportRunRepository,
  filesDownloadable,
} from "../repositories/export-run.repository.js";
import type { OutboxEmail } from "../repositories/outbox.repository.js";
import { UserRepository } from "../repositories/user.repository.js";
import { type DownloadLinkService, MAX_LINK_LIFETIME_SECONDS } from "./download-link.service.js";

/** An email ready to send, or why there is nothing worth sending any more. */
export type ComposedEmail = { send: EmailMessage } | { skip: string };

/** Dependencies of {@link ExportEmailService}. */
export interface ExportEmailServiceDeps {
  db: Kysely<DB>;
  /** Mints the emailed link; its clock must be the caller's. */
  links: DownloadLinkService;
  /** Format lookup (default: the registry); tests pass their own formats. */
  formats?: (id: string) => ExportFormat | undefined;
}

/**
 * Turns an outbox row into the email to send now (docs/EXPORTS.md#the-full-data-export,
 * docs/EXPORTS.md#email). Everything is re-read at send time — the row holds ids only — so an email
 * is never sent to someone who lost the right to export since, nor with a link to files that
 * expired or were revoked. The link is minted here and lives no longer than the files
 * (`expires_at`) nor 7 days; minting is deterministic, so a resent email carries the same link.
 */
export class ExportEmailService {
  private readonly formats: (id: string) => ExportFormat | undefined;
  private readonly runs: ExportRunRepository;
  private readonly users: UserRepository;
  private readonly accounts: AccountRepository;

  constructor(private readonly deps: ExportEmailServiceDeps) {
    this.formats = deps.formats ?? exportFormat;
    this.runs = new ExportRunRepository(deps.db);
    this.users = new UserRepository(deps.db);
    this.accounts = new AccountRepository(deps.db);
  }

  async compose(email: OutboxEmail, now: Date): Promise<ComposedEmail> {
    const run = await this.runs.get(email.account_id, email.export_run_id);
    if (!run) return { skip: "the export no longer exists" };
    const user = email.recipient_id
      ? await this.users.findContact(email.account_id, email.recipient_id)
      : undefined;
    // Only owners and admins receive export data (docs/EXPORTS.md#links-and-downloads); the link
    // would answer 403 anyway.
    if (user?.status !== "active" || !canExport(user.role as Role))
      return { skip: "the requester is no longer an active owner or admin" };
    const account = await this.accounts.findById(email.account_id);
    if (!account) return { skip: "the account no longer exists" };
    const format = this.formats(run.format);
    const common = {
      accountName: account.name,
      timeZone: account.time_zone,
      formatLabel: format?.label ?? run.format,
    };
    const envelope = {
      id: email.id,
      to: { name: user.name, address: user.email },
      messageId: `<export-${run.id}-${email.kind}@hirevault>`,
      date: now,
    };

    if (email.kind === "export_failed") {
      if (run.state !== "failed") return { skip: `the export is ${run.state}, not failed` };
      const content = exportFailedEmail({
        ...common,
        exportRunId: run.id,
        reason: run.error ?? "",
        failedAt: new Date(run.finished_at ?? run.updated_at),
      });
      return { send: { ...envelope, ...content, link: null } };
    }

    if (!filesDownloadable(run, now)) return { skip: `the export's files are no longer downloadable` };
    const link = await this.mintLink(run, format?.mailPart, email.recipient_id!, now);
    if (!link) return { skip: `the export has no ${format?.mailPart ?? "emailed"} file` };
    const content = exportReadyEmail({ ...common, url: link.url, expiresAt: link.expiresAt });
    return { send: { ...envelope, ...content, link: link.url } };
  }

  /** The link to the run's `part` artifact, expiring with the files but within 7 days. */
  private async mintLink(run: ExportRun, part: string | undefined, userId: string, now: Date) {
    if (!part) return null;
    const artifact = await this.runs.artifactByPart(run.account_id, run.id, part);
    if (!artifact) return null;
    const expiresAt = Math.min(Date.parse(run.expires_at!), now.getTime() + MAX_LINK_LIFETIME_SECONDS * 1000);
    return this.deps.links.mint({
      accountId: run.account_id,
      exportRunId: run.id,
      artifactId: artifact.id,
      userId,
      expiresAt: new Date(expiresAt),
    });
  }
}
