import type { Multipart } from "@fastify/multipart";
import type { FastifyRequest } from "fastify";
import { type FieldError, ValidationError } from "../../domain/errors.js";
import { uuidv7 } from "../../domain/ids.js";
import {
  type AttachmentService,
  attachmentKey,
  type NewAttachment,
} from "../../services/attachment.service.js";
import type { BlobStore } from "../../storage/blob-store.js";
import { nextOfForm } from "./form-read-error.js";
import { storeUpload } from "./store-upload.js";

type FilePart = Extract<Multipart, { type: "file" }>;

const FIELDS = new Set(["entity_type", "entity_id", "internal_cv"]);

/** What reading the form needs. */
export interface UploadFormDeps {
  attachments: AttachmentService;
  blobs: BlobStore;
  maxUploadBytes: number;
}

/**
 * Reads an upload form as it arrives: fields first, then one `file` part, which is streamed to
 * blob storage only after the fields are checked and the target record is found in the account.
 * Returns the new attachment, not yet recorded. On any failure nothing is left in storage.
 */
export async function readUploadForm(
  request: FastifyRequest,
  accountId: string,
  deps: UploadFormDeps,
): Promise<NewAttachment> {
  const fields: Record<string, string> = {};
  let stored: NewAttachment | undefined;
  try {
    const parts = request.parts()[Symbol.asyncIterator]();
    for (;;) {
      const next = await nextOfForm(parts);
      if (next.done) break;
      const part = next.value;
      if (stored) throw ValidationError.field(part.fieldname, "the file must be the last part");
      if (part.type === "field") {
        // busboy drops a file part whose name holds a line break; it then arrives as a plain field.
        fields[part.fieldname] = part.valueTruncated ? "" : String(part.value);
        continue;
      }
      if (part.fieldname !== "file") {
        part.file.resume();
        throw ValidationError.field(part.fieldname, "send the file in the part named `file`");
      }
      stored = await storeFilePart(part, accountId, fields, deps);
    }
  } catch (err) {
    if (stored) await deps.blobs.delete(stored.storageKey).catch(() => undefined);
    throw err;
  }
  if (!stored) {
    throw ValidationError.field(
      "file",
      fields.file === undefined ? "is required" : "must be a file part (with a filename)",
    );
  }
  return stored;
}

async function storeFilePart(
  part: FilePart,
  accountId: string,
  fields: Record<string, string>,
  deps: UploadFormDeps,
): Promise<NewAttachment> {
  let entityType: NewAttachment["entityType"];
  let internalCv: boolean;
  try {
    internalCv = checkFields(fields);
    entityType = await deps.attachments.assertEntity(accountId, fields.entity_type!, fields.entity_id!);
  } catch (err) {
    part.file.resume(); // drain what is left of the file; nothing is stored
    throw err;
  }
  const id = uuidv7();
  const storageKey = attachmentKey(accountId, id);
  const upload = await storeUpload(part.file, deps.blobs, storageKey, deps.maxUploadBytes);
  const fileName = cleanFileName(part.filename);
  return { id, entityType, entityId: fields.entity_id!, fileName, storageKey, internalCv, ...upload };
}

/** Unknown and missing fields; returns the `internal_cv` flag. @throws {ValidationError} */
function checkFields(fields: Record<string, string>): boolean {
  const errors: FieldError[] = Object.keys(fields)
    .filter((f) => !FIELDS.has(f))
    .map((field) => ({ field, message: "is not a known field" }));
  for (const f of ["entity_type", "entity_id"]) {
    if (!fields[f]) errors.push({ field: f, message: "is required (before the file part)" });
  }
  const raw = fields.internal_cv;
  const internalCv = raw === "true" || raw === "1";
  if (raw !== undefined && !["", "true", "false", "1", "0"].includes(raw)) {
    errors.push({ field: "internal_cv", message: "must be true or false" });
  }
  if (errors.length) throw new ValidationError(errors);
  return internalCv;
}

/**
 * The name to keep: the last path segment (some browsers send `C:\fakepath\…`), NFC, without
 * control characters, at most 255 characters. Headers built from it are escaped again on download.
 */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? "").split(/[\\/]/).pop() ?? "";
  const clean = base
    .normalize("NFC")
    .replace(/[\u0000-\u001f\u007f]/g, "_")
    .trim();
  return [...clean].slice(0, 255).join("") || "file";
}
