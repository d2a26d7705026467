/**
 * The account an import writes into (docs/ARCHITECTURE.md, "Import in batches"). Its row is
 * committed first, `importing`: the name is taken from then on, and nothing reaches the account —
 * no token, session, link, job or CLI command, no listing — while the import writes its rows a
 * batch per short transaction. Each batch renews the account's lease and checks, in the same
 * transaction, that the account is still this import's (a worker may have taken an abandoned import
 * over: the batch then rolls back and the import stops). The switch to `active` is one last short
 * transaction. A failed import removes what it wrote (`services/account-removal.service.ts`).
 */
import type { Kysely } from "kysely";
import { isUniqueViolation, writeTransaction } from "../db/dialect.js";
import type { DB } from "../db/schema/index.js";
import type { Clock } from "../domain/clock.js";
import { ConflictError } from "../domain/errors.js";
import { newId } from "../domain/ids.js";
import { AccountRemovalService } from "../services/account-removal.service.js";
import type { BlobStore } from "../storage/blob-store.js";
import { ImportError } from "./import-error.js";

/** Longest pause between two renewals of the lease while the import runs (long file copies). */
const MAX_HEARTBEAT_MS = 60_000;

/** Why an import cannot take `name`: an account of that status holds it. */
export function nameTaken(name: string, status: string): ConflictError {
  if (status === "active")
    return new ConflictError(
      `an account named "${name}" exists already; import restores into a new account`,
      "account",
    );
  const doing = status === "importing" ? "imported" : "removed";
  return new ConflictError(`an account named "${name}" is being ${doing} right now`, "account");
}

export interface StagedAccountOptions {
  name: string;
  timeZone: string;
  clock: Clock;
  leaseMs: number;
}

export class StagedAccount {
  #heartbeat: NodeJS.Timeout | undefined;

  private constructor(
    private readonly db: Kysely<DB>,
    readonly id: string,
    readonly name: string,
    private readonly clock: Clock,
    private readonly leaseMs: number,
  ) {}

  /**
   * Commits the account's row as `importing`, under a lease. @throws {ConflictError} when the
   * name is taken — by an account, or by another import or removal under way.
   */
  static async reserve(db: Kysely<DB>, opts: StagedAccountOptions): Promise<StagedAccount> {
    const account = new StagedAccount(db, newId(), opts.name, opts.clock, opts.leaseMs);
    const now = opts.clock.now();
    try {
      await db
        .insertInto("accounts")
        .values({
          id: account.id,
          name: opts.name,
          time_zone: opts.timeZone,
          status: "importing",
          import_lease_expires_at: account.#leaseEnd(now),
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        })
        .execute();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const other = await db
        .selectFrom("accounts")
        .select("status")
        .where("name", "=", opts.name)
        .executeTakeFirst();
      throw nameTaken(opts.name, other?.status ?? "active");
    }
    return account;
  }

  /**
   * Runs `fn` in one short write transaction that first renews the lease.
   * @throws {ImportError} when the account is no longer this import's (nothing of `fn` commits).
   */
  async write<T>(fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
    return writeTransaction(this.db, async (trx) => {
      await this.#renew(trx);
      return fn(trx);
    });
  }

  /** The switch: `fn`, then the account becomes `active`, in one short transaction. */
  async activate<T>(fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
    return this.write(async (trx) => {
      const result = await fn(trx);
      await trx
        .updateTable("accounts")
        .set({ status: "active", import_lease_expires_at: null })
        .where("id", "=", this.id)
        .execute();
      return result;
    });
  }

  /**
   * Renews the lease every quarter of it (at most every minute) until {@link stopHeartbeat}, so
   * that copying a batch of large files, which commits nothing for a while, does not look like a
   * dead import. A failed renewal is retried at the next beat; a lost account shows at the next
   * batch, which refuses to commit.
   */
  startHeartbeat(): void {
    const every = Math.max(10, Math.min(MAX_HEARTBEAT_MS, Math.floor(this.leaseMs / 4)));
    this.#heartbeat = setInterval(() => {
      this.#renew(this.db).catch(() => undefined);
    }, every);
    this.#heartbeat.unref();
  }

  stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  /**
   * Removes what the import wrote, rows and files, after `err` stopped it; returns the error to
   * throw. Should the removal fail too, the error says so: a worker finishes it once the lease
   * has run out.
   */
  async discard(blobs: BlobStore, err: unknown): Promise<unknown> {
    this.stopHeartbeat();
    try {
      await new AccountRemovalService(this.db, blobs, {
        clock: this.clock,
        leaseMs: this.leaseMs,
      }).removeFailedImport(this.id);
    } catch (removalErr) {
      if (err instanceof Error) {
        err.message +=
          `; removing what it wrote failed too (${(removalErr as Error).message}):` +
          ` a worker removes it once the import's lease has run out`;
      }
    }
    return err;
  }

  async #renew(db: Kysely<DB>): Promise<void> {
    const result = await db
      .updateTable("accounts")
      .set({ import_lease_expires_at: this.#leaseEnd(this.clock.now()) })
      .where("id", "=", this.id)
      .where("status", "=", "importing")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      throw new ImportError(
        `the account "${this.name}" is no longer being imported (its lease ran out and a worker removed it); nothing was imported`,
      );
    }
  }

  #leaseEnd(now: Date): string {
    return new Date(now.getTime() + this.leaseMs).toISOString();
  }
}
