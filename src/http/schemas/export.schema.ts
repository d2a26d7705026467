import { Type } from "@sinclair/typebox";
import { EXPORT_FORMATS, EXPORT_STATES, EXPORT_TRIGGERS } from "../../db/schema/index.js";
import { Nullable, StringEnum } from "../validation/formats.js";

const Time = Nullable(Type.String({ format: "date-time" }));

export const ExportArtifactSchema = Type.Object({
  id: Type.String(),
  part: Type.String({ description: "which file of the export (backup, …)" }),
  file_name: Type.String(),
  content_type: Type.String(),
  size_bytes: Type.Integer(),
  sha256: Type.String(),
  download_url: Nullable(
    Type.String({
      description: "signed link (no token needed); null for tokens of no team member or after expiry",
    }),
  ),
  download_expires_at: Time,
});

/** A pending invoice a full export waits for (docs/EXPORTS.md#the-full-data-export). */
export const PendingInvoiceSchema = Type.Object({
  id: Type.String(),
  number: Type.String(),
  amount_cents: Type.Integer(),
  currency: Type.String(),
  due_date: Type.String({ format: "date" }),
});

export const ExportRunSchema = Type.Object({
  id: Type.String(),
  format: StringEnum(EXPORT_FORMATS),
  state: StringEnum(EXPORT_STATES),
  trigger: StringEnum(EXPORT_TRIGGERS),
  period: Nullable(Type.String({ description: "YYYY-MM of a scheduled backup" })),
  requested_by_id: Nullable(Type.String()),
  attempts: Type.Integer(),
  max_attempts: Type.Integer(),
  progress: Type.Object({ done: Type.Integer(), total: Nullable(Type.Integer()), percent: Type.Integer() }),
  snapshot_at: Time,
  started_at: Time,
  finished_at: Time,
  expires_at: Time,
  revoked_at: Time,
  error: Nullable(Type.String({ description: "why the last attempt failed" })),
  warnings: Type.Object({
    count: Type.Integer(),
    items: Type.Array(
      Type.Object({ entity: Type.String(), id: Type.String(), path: Type.String(), reason: Type.String() }),
      { description: "files left out (first 1,000), e.g. a CV missing from storage" },
    ),
  }),
  pending_invoices: Type.Array(PendingInvoiceSchema, {
    description:
      "while the state is awaiting_payment: the account's pending invoices the export waits for (it starts by itself once they are paid or voided); else empty",
  }),
  created_at: Type.String(),
  updated_at: Type.String(),
  artifacts: Type.Array(ExportArtifactSchema),
});

export const BackupScheduleSchema = Type.Object({
  enabled: Type.Boolean(),
  day_of_month: Type.Integer({ description: "backups are made on this day (clamped to the month's end)" }),
  time_zone: Type.String(),
  retention_months: Type.Integer(),
  enabled_at: Time,
  next_backup_at: Time,
  latest_backup: Nullable(ExportRunSchema),
  backups: Type.Array(ExportRunSchema, {
    description: "backups still downloadable or in progress, newest first",
  }),
});
