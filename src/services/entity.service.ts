import type { Kysely } from "kysely";
import type { DialectName } from "../db/dialect.js";
import { isUniqueViolation, writeTransaction } from "../db/dialect.js";
import type { DB, TableName, TableSpec } from "../db/schema/index.js";
import { ENTITY_TABLES, tableSpec } from "../db/schema/index.js";
import { type Clock, systemClock } from "../domain/clock.js";
import { ConflictError, type FieldError, NotFoundError, ValidationError } from "../domain/errors.js";
import { isUuid, newId } from "../domain/ids.js";
import { recordAudit } from "../repositories/audit-log.repository.js";
import { cascadeDelete } from "../repositories/cascade-delete.js";
import { EntityRepository, type StoredRow } from "../repositories/entity.repository.js";
import type { BlobStore } from "../storage/blob-store.js";
import { BlobErasureService } from "./blob-erasure.service.js";
import { coerceValue, normalizeInput } from "./entity-input.js";
import { toApiRow } from "./entity-presenter.js";
import { type RuleTx, rulesFor } from "./entity-rules/index.js";
import type { WriteContext } from "./write-context.js";

/** A row as the API shows it: snake_case, secrets removed, JSON parsed, extras embedded. */
export type ApiRow = Record<string, unknown>;

export interface ListQuery {
  /** 1..200 */
  limit: number;
  /** Opaque cursor from a previous page's `next_cursor`. */
  cursor?: string | undefined;
  /** ISO 8601; only rows with updated_at >= it, ordered by (updated_at, id). */
  updatedSince?: string | undefined;
  /** Equality filters on the catalog's `api.filters` columns, as strings from the query string. */
  filters?: Record<string, string> | undefined;
}

export interface Page {
  items: ApiRow[];
  next_cursor: string | null;
}

export interface EntityServiceDeps {
  db: Kysely<DB>;
  dialect: DialectName;
  blobs: BlobStore;
  clock?: Clock;
}

export const MAX_PAGE_SIZE = 200;

/**
 * Generic, tenant-scoped CRUD over every table of the catalog, with per-table rules (nested
 * emails/phones/links/tags/custom_fields on persons, pipelines copied into new jobs, stage moves
 * recorded as stage events…), reference checks within the account, the audit log, and deletes
 * that cascade, write tombstones and queue file erasure.
 * Errors: ValidationError (field named), NotFoundError, ConflictError from ../domain/errors.js.
 */
export class EntityService {
  private readonly repo: EntityRepository;
  private readonly clock: Clock;
  private readonly erasure: BlobErasureService;

  constructor(readonly deps: EntityServiceDeps) {
    this.repo = new EntityRepository(deps.db);
    this.clock = deps.clock ?? systemClock;
    this.erasure = new BlobErasureService(deps.db, deps.blobs);
  }

  async list(accountId: string, table: TableName, q: ListQuery): Promise<Page> {
    const spec = tableSpec(table);
    if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_PAGE_SIZE) {
      throw ValidationError.field("limit", `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    const errors: FieldError[] = [];
    const updatedSince =
      q.updatedSince === undefined
        ? undefined
        : (coerceValue("updated_since", { type: "timestamp" }, q.updatedSince, errors) as string | undefined);
    const where = coerceFilters(spec, q.filters ?? {}, errors);
    if (errors.length) throw new ValidationError(errors);
    const { rows, next } = await this.repo.page(accountId, table, {
      limit: q.limit,
      cursor: q.cursor,
      updatedSince,
      where,
    });
    return { items: await this.present(accountId, table, rows), next_cursor: next };
  }

  async get(accountId: string, table: TableName, id: string): Promise<ApiRow> {
    const entity = tableSpec(table).entity ?? table;
    if (!isUuid(id)) throw new NotFoundError(entity, id);
    const row = await this.repo.get(accountId, table, id);
    if (!row) throw new NotFoundError(entity, id);
    return (await this.present(accountId, table, [row]))[0]!;
  }

  async create(ctx: WriteContext, table: TableName, input: ApiRow): Promise<ApiRow> {
    const spec = tableSpec(table);
    const rules = rulesFor(table);
    const id = await this.write(ctx, async (tx) => {
      const defaults: Record<string, unknown> = {};
      for (const r of rules) if (r.defaults) Object.assign(defaults, await r.defaults(tx, input));
      const { values, extras } = normalizeInput(spec, input, {
        partial: false,
        extras: extrasOf(table),
        defaults,
      });
      await this.checkReferences(tx, spec, values);
      for (const r of rules) await r.validate?.(tx, values, undefined);
      const row: StoredRow = {
        id: tx.newId(),
        account_id: ctx.accountId,
        ...values,
        created_at: tx.now,
        updated_at: tx.now,
      };
      await this.insertOrConflict(tx, table, row);
      for (const r of rules) await r.afterCreate?.(tx, row, extras);
      await this.audit(tx, table, "created", String(row.id), auditable(spec, values, extras));
      return String(row.id);
    });
    return this.get(ctx.accountId, table, id);
  }

  async update(ctx: WriteContext, table: TableName, id: string, patch: ApiRow): Promise<ApiRow> {
    const spec = tableSpec(table);
    const rules = rulesFor(table);
    await this.write(ctx, async (tx) => {
      // Locked: a concurrent update waits and then sees this one's result (a stage move records
      // where the application really was); after a concurrent delete the row is gone → 404.
      const before = isUuid(id) ? await tx.repo.getForUpdate(ctx.accountId, table, id) : undefined;
      if (!before) throw new NotFoundError(spec.entity ?? table, id);
      const { values, extras } = normalizeInput(spec, patch, { partial: true, extras: extrasOf(table) });
      await this.checkReferences(tx, spec, values, before);
      for (const r of rules) await r.validate?.(tx, values, before);
      for (const r of rules) await r.beforeUpdate?.(tx, before, values);
      const diff: Record<string, [unknown, unknown]> = {};
      for (const [k, v] of Object.entries(values)) if (before[k] !== v) diff[k] = [before[k], v];
      await this.updateOrConflict(tx, table, id, { ...values, updated_at: tx.now });
      const after = { ...before, ...values, updated_at: tx.now };
      for (const r of rules) await r.afterUpdate?.(tx, before, after, extras);
      const changes = redactSecrets(spec, diff);
      await this.audit(tx, table, "updated", id, { ...changes, ...extras });
    });
    return this.get(ctx.accountId, table, id);
  }

  async delete(ctx: WriteContext, table: TableName, id: string): Promise<void> {
    const entity = tableSpec(table).entity ?? table;
    const rules = rulesFor(table);
    await this.write(ctx, async (tx) => {
      // The whole row, not just its existence: rules look at it (a pending invoice deleted
      // releases the exports waiting for it). Locked, so of concurrent deletes one deletes and
      // the others, once it committed, find nothing (404): one tombstone, one audit entry.
      const before = isUuid(id) ? await tx.repo.getForUpdate(ctx.accountId, table, id) : undefined;
      if (!before) throw new NotFoundError(entity, id);
      await tx.cascade(table, [id]);
      for (const r of rules) await r.afterDelete?.(tx, before);
      await this.audit(tx, table, "deleted", id, null);
    });
  }

  /** Moves an application to a stage of its job, recording a stage event. */
  async moveApplication(
    ctx: WriteContext,
    applicationId: string,
    input: { stage_id: string; reason?: string | null },
  ): Promise<ApiRow> {
    return this.update(ctx, "applications", applicationId, {
      stage_id: input.stage_id,
      stage_reason: input.reason ?? null,
    });
  }

  /**
   * Runs a write in one write transaction (on SQLite it takes the write lock first, so a CLI
   * process and the server never interleave a read and a write); files of deleted attachments
   * are erased after commit.
   */
  private async write<T>(ctx: WriteContext, fn: (tx: RuleTx) => Promise<T>): Promise<T> {
    const blobKeys: string[] = [];
    const now = this.clock.now().toISOString();
    const result = await writeTransaction(this.deps.db, async (trx) => {
      const repo = this.repo.withTransaction(trx);
      const tx: RuleTx = {
        trx,
        repo,
        ctx,
        now,
        newId: () => newId(),
        cascade: async (t, ids) => {
          const r = await cascadeDelete(trx, ctx.accountId, t, ids, now);
          blobKeys.push(...r.blobKeys);
        },
      };
      return fn(tx);
    });
    if (blobKeys.length) await this.erasure.eraseQueued({ keys: blobKeys });
    return result;
  }

  /**
   * Every foreign key and polymorphic link must point at a row of the same account — one that
   * stays there until this write commits, so a record created while its parent is deleted never
   * outlives it (polymorphic links have no database foreign key to stop that).
   */
  private async checkReferences(
    tx: RuleTx,
    spec: TableSpec,
    values: StoredRow,
    before?: StoredRow,
  ): Promise<void> {
    const errors: FieldError[] = [];
    for (const [name, col] of Object.entries(spec.columns)) {
      const v = values[name];
      if (!col.references || col.references === "accounts" || v === null || v === undefined) continue;
      if (!(await tx.repo.existsAndStays(tx.ctx.accountId, col.references as TableName, String(v)))) {
        errors.push({
          field: name,
          message: `no ${tableSpec(col.references).entity} with this id in this account`,
        });
      }
    }
    const poly = spec.polymorphic;
    if (poly && (values[poly.typeColumn] !== undefined || values[poly.idColumn] !== undefined)) {
      const type = values[poly.typeColumn] ?? before?.[poly.typeColumn];
      const id = values[poly.idColumn] ?? before?.[poly.idColumn];
      const target = ENTITY_TABLES[type as keyof typeof ENTITY_TABLES];
      if (
        type !== null &&
        id !== null &&
        target &&
        !(await tx.repo.existsAndStays(tx.ctx.accountId, target, String(id)))
      ) {
        errors.push({ field: poly.idColumn, message: `no ${type} with this id in this account` });
      } else if ((type === null) !== (id === null)) {
        errors.push({ field: poly.idColumn, message: `${poly.typeColumn} and ${poly.idColumn} go together` });
      }
    }
    if (errors.length) throw new ValidationError(errors);
  }

  private async insertOrConflict(tx: RuleTx, table: TableName, row: StoredRow): Promise<void> {
    try {
      await tx.repo.insert(table, row);
    } catch (err) {
      throw toConflict(err, table);
    }
  }

  private async updateOrConflict(tx: RuleTx, table: TableName, id: string, values: StoredRow): Promise<void> {
    try {
      await tx.repo.update(tx.ctx.accountId, table, id, values);
    } catch (err) {
      throw toConflict(err, table);
    }
  }

  private async audit(
    tx: RuleTx,
    table: TableName,
    verb: string,
    id: string,
    changes: unknown,
  ): Promise<void> {
    const entity = tableSpec(table).entity ?? table;
    await recordAudit(
      tx.trx,
      tx.ctx,
      { action: `${entity}.${verb}`, entityType: entity, entityId: id, changes },
      tx.now,
    );
  }

  private async present(accountId: string, table: TableName, rows: StoredRow[]): Promise<ApiRow[]> {
    const out = rows.map((r) => toApiRow(table, r));
    if (out.length) for (const r of rulesFor(table)) await r.present?.({ repo: this.repo, accountId }, out);
    return out;
  }
}

function extrasOf(table: TableName): string[] {
  return rulesFor(table).flatMap((r) => r.extras ?? []);
}

function auditable(
  spec: TableSpec,
  values: StoredRow,
  extras: Record<string, unknown>,
): Record<string, unknown> {
  return { ...redactSecrets(spec, values), ...extras };
}

function redactSecrets<T>(spec: TableSpec, values: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(values).filter(([k]) => !spec.columns[k]?.secret));
}

function coerceFilters(
  spec: TableSpec,
  filters: Record<string, string>,
  errors: FieldError[],
): Record<string, unknown> {
  const allowed = new Set(spec.api?.filters ?? []);
  const where: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(filters)) {
    const col = spec.columns[key];
    if (!allowed.has(key) || !col) {
      errors.push({ field: key, message: "is not a filter of this list" });
      continue;
    }
    const value =
      col.type === "boolean"
        ? raw === "true"
          ? true
          : raw === "false"
            ? false
            : raw
        : col.type === "integer"
          ? Number(raw)
          : raw;
    const v = coerceValue(key, { ...col, nullable: false }, value, errors);
    if (v !== undefined) where[key] = v;
  }
  return where;
}

function toConflict(err: unknown, table: TableName): unknown {
  if (!isUniqueViolation(err)) return err;
  const spec = tableSpec(table);
  const message = String((err as Error).message ?? "");
  const cols = spec.unique?.find((u) => u.every((c) => message.includes(c))) ?? spec.unique?.[0];
  const field = cols?.filter((c) => c !== "account_id").at(-1);
  return new ConflictError(
    `a ${spec.entity ?? table} with the same ${cols?.join(", ") ?? "key"} exists already`,
    field,
  );
}
