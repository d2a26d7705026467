/**
 * `Attachments.csv` of the Data Files zip: one row per attachment of the account, naming the zip
 * part that holds its file and the path inside it (docs/EXPORTS.md#the-full-data-export: "each
 * file's path in it is a column of `Attachments.csv`"). Internal CVs (`internal_cv` on a person)
 * are in the Internal CVs zip, every other file in the Attachments zip; each file is in exactly one
 * of them.
 */
import type { CsvValue } from "../../csv/csv-dialect.js";

export const ATTACHMENT_HEADER = [
  "Attachment ID",
  "Record Type",
  "Record ID",
  "Record Name",
  "File Name",
  "Content Type",
  "Size (bytes)",
  "SHA-256",
  "Internal CV",
  "Uploaded By ID",
  "Uploaded By",
  "Uploaded At",
  "Zip File",
  "Path in Zip",
  "File Status",
];

/** "File Status" of a file that is in its zip. */
export const INCLUDED = "included";

/** The columns of an attachment row that come from the database. */
export interface AttachmentRecord {
  id: string;
  entity_type: string;
  entity_id: string;
  file_name: string;
  content_type: string;
  size_bytes: number | string | bigint;
  sha256: string;
  internal_cv: boolean;
  uploaded_by_id: string | null;
  created_at: string;
}

/** One `Attachments.csv` row; `path` is null when the file could not be included (`status` says why). */
export function attachmentRow(
  a: AttachmentRecord,
  where: { recordName: string | null; zipLabel: string; path: string | null; status: string },
  users: ReadonlyMap<string, string>,
): CsvValue[] {
  return [
    a.id,
    a.entity_type,
    a.entity_id,
    where.recordName,
    a.file_name,
    a.content_type,
    Number(a.size_bytes),
    a.sha256,
    a.internal_cv,
    a.uploaded_by_id,
    a.uploaded_by_id ? (users.get(a.uploaded_by_id) ?? null) : null,
    a.created_at,
    where.zipLabel,
    where.path,
    where.status,
  ];
}
