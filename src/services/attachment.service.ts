import type { Kysely } from "kysely";
import type { DB, Row } from "../db/schema/index.js";
import { ATTACHMENT_ENTITIES, ENTITY_TABLES } from "../db/schema/index.js";
import { type Clock, systemClock } from "../domain/clock.js";
import { NotFoundError, ValidationError } from "../domain/errors.js";
import { isUuid } from "../domain/ids.js";
import { recordAudit } from "../repositories/audit-log.repository.js";
import { EntityRepository } from "../repositories/entity.repository.js";
import type { WriteContext } from "./write-context.js";

export type AttachmentEntity = (typeof ATTACHMENT_ENTITIES)[number];

/** An attachment row as stored, including its storage key (never shown to clients). */
export type StoredAttachment = Row<"attachments">;

/** What an upload produced, once its bytes are safely in blob storage. */
export interface NewAttachment {
  id: string;
  entityType: AttachmentEntity;
  entityId: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
  internalCv: boolean;
}

/** The blob key of an attachment: per account, so a key can never name another tenant's file. */
export function attachmentKey(accountId: string, attachmentId: string): string {
  return `accounts/${accountId}/attachments/${attachmentId}`;
}

/**
 * Attachment rows. The HTTP layer streams the bytes into blob storage (hashing and counting on
 * the way) and then calls {@link AttachmentService.create}; reads for download go through
 * {@link AttachmentService.getStored}, the one place the storage key is read.
 */
export class AttachmentService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Checks that the record a file is meant for exists in the caller's account, before any byte is
   * stored. Another account's id answers like an unknown one (no existence leak).
   * @throws {ValidationError} naming `entity_type` or `entity_id`.
   */
  async assertEntity(accountId: string, entityType: string, entityId: string): Promise<AttachmentEntity> {
    if (!(ATTACHMENT_ENTITIES as readonly string[]).includes(entityType)) {
      throw ValidationError.field("entity_type", `must be one of: ${ATTACHMENT_ENTITIES.join(", ")}`);
    }
    const type = entityType as AttachmentEntity;
    if (!(await this.entityExists(this.db, accountId, type, entityId))) {
      throw ValidationError.field("entity_id", `no ${type} with this id in this account`);
    }
    return type;
  }

  /** Inserts the row and its `attachment.created` audit entry in one transaction. */
  async create(ctx: WriteContext, input: NewAttachment): Promise<StoredAttachment> {
    const at = this.clock.now().toISOString();
    const row: StoredAttachment = {
      id: input.id,
      account_id: ctx.accountId,
      entity_type: input.entityType,
      entity_id: input.entityId,
      file_name: input.fileName,
      content_type: input.contentType,
      size_bytes: input.sizeBytes,
      sha256: input.sha256,
      storage_key: input.storageKey,
      internal_cv: input.internalCv,
      uploaded_by_id: ctx.actor.type === "user" ? ctx.actor.id : null,
      created_at: at,
      updated_at: at,
    };
    await this.db.transaction().execute(async (trx) => {
      // Checked again inside the transaction, and held until it commits: the record may have been
      // deleted during the upload, or be deleted right now (then its delete sees this file).
      if (!(await this.entityExists(trx, ctx.accountId, input.entityType, input.entityId, true))) {
        throw ValidationError.field("entity_id", `no ${input.entityType} with this id in this account`);
      }
      await new EntityRepository(trx).insert("attachments", row);
      await recordAudit(
        trx,
        ctx,
        {
          action: "attachment.created",
          entityType: "attachment",
          entityId: row.id,
          changes: {
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            file_name: row.file_name,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            sha256: row.sha256,
            internal_cv: row.internal_cv,
          },
        },
        at,
      );
    });
    return row;
  }

  /**
   * Records a file download in the audit log (docs/EXPORTS.md#audit-log: who read which CV, when,
   * which bytes). Never the token; the range says how much was asked for.
   */
  async recordDownload(ctx: WriteContext, row: StoredAttachment, range: string | undefined): Promise<void> {
    await recordAudit(
      this.db,
      ctx,
      {
        action: "attachment.downloaded",
        entityType: "attachment",
        entityId: row.id,
        changes: { size_bytes: Number(row.size_bytes), range: range?.slice(0, 100) ?? null },
      },
      this.clock.now().toISOString(),
    );
  }

  /** The stored row, storage key included. @throws {NotFoundError} (also for other accounts). */
  async getStored(accountId: string, id: string): Promise<StoredAttachment> {
    const row = isUuid(id)
      ? await new EntityRepository(this.db).get(accountId, "attachments", id)
      : undefined;
    if (!row) throw new NotFoundError("attachment", id);
    return row as StoredAttachment;
  }

  private async entityExists(
    db: Kysely<DB>,
    accountId: string,
    type: AttachmentEntity,
    id: string,
    hold = false,
  ): Promise<boolean> {
    if (!isUuid(id)) return false;
    const repo = new EntityRepository(db);
    return hold
      ? repo.existsAndStays(accountId, ENTITY_TABLES[type], id)
      : repo.exists(accountId, ENTITY_TABLES[type], id);
  }
}
