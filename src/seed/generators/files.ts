import type { ATTACHMENT_ENTITIES } from "../../db/schema/index.js";
import type { SeedContext } from "../context.js";
import { type CvContent, DOCX_CONTENT_TYPE, makeCvFile, PDF_CONTENT_TYPE } from "../cv-files.js";
import { actor } from "./common.js";

type AttachmentEntity = (typeof ATTACHMENT_ENTITIES)[number];

/** Storage key of an attachment (the layout every blob consumer relies on). */
export function attachmentKey(accountId: string, attachmentId: string): string {
  return `accounts/${accountId}/attachments/${attachmentId}`;
}

/**
 * Adds an attachment row and queues its file. Size and SHA-256 are filled in from the real bytes
 * when the batch is flushed; the bytes depend on the seed and the content only (not on ids), so
 * two accounts seeded alike hold identical files.
 */
export function attach(
  ctx: SeedContext,
  input: {
    entityType: AttachmentEntity;
    entityId: string;
    fileName: string;
    kind: "pdf" | "docx";
    content: CvContent;
    internalCv: boolean;
    createdMs: number;
  },
): string {
  const id = ctx.id();
  const padSeed = `${ctx.seed}\u241ffile\u241f${ctx.fileSeq++}`;
  const row = {
    id,
    account_id: ctx.accountId,
    entity_type: input.entityType,
    entity_id: input.entityId,
    file_name: input.fileName,
    content_type: input.kind === "pdf" ? PDF_CONTENT_TYPE : DOCX_CONTENT_TYPE,
    size_bytes: 0,
    sha256: "",
    storage_key: attachmentKey(ctx.accountId, id),
    internal_cv: input.internalCv,
    uploaded_by_id: ctx.rng.chance(0.9) ? actor(ctx) : null,
    ...ctx.stamps(input.createdMs),
  };
  ctx.add("attachments", row);
  const { content, kind } = input;
  const padBytes = ctx.padBytes;
  ctx.batch.addBlob({ row, make: () => makeCvFile(kind, content, { padBytes, padSeed }).bytes });
  return id;
}

const DOCUMENT_NAMES: Record<AttachmentEntity, readonly string[]> = {
  person: ["Cover letter.pdf", "Portfolio.pdf", "References.docx"],
  company: ["Terms of business.docx", "Fee agreement.pdf", "Org chart.pdf"],
  job: ["Job description.pdf", "Interview plan.docx", "Salary bands.pdf"],
  deal: ["Proposal.pdf", "Signed contract.pdf", "Statement of work.docx"],
  client_contact: ["Business card.pdf", "Meeting agenda.docx"],
  application: ["Offer letter.pdf", "Assessment results.pdf", "Interview notes.docx"],
  activity: ["Meeting notes.docx", "Call transcript.pdf"],
};

/**
 * A document (not a CV) on a record, with probability `p`; the first document of each entity
 * type is always made, so every kind of attachment exists even in a tiny account.
 */
export function maybeDocument(
  ctx: SeedContext,
  entityType: AttachmentEntity,
  entityId: string,
  title: string,
  createdMs: number,
  p: number,
): void {
  const made = ctx.documentCounts.get(entityType) ?? 0;
  if (made > 0 && !ctx.rng.chance(p)) return;
  ctx.documentCounts.set(entityType, made + 1);
  const fileName = ctx.rng.pick(DOCUMENT_NAMES[entityType]);
  attach(ctx, {
    entityType,
    entityId,
    fileName,
    kind: fileName.endsWith(".docx") ? "docx" : "pdf",
    content: { name: fileName.replace(/\.\w+$/, ""), headline: title },
    internalCv: false,
    createdMs: ctx.at(createdMs),
  });
}
