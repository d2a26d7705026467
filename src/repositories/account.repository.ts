import type { Kysely, Selectable } from "kysely";
import { isUniqueViolation } from "../db/dialect.js";
import type { ACCOUNT_STATUSES, DB } from "../db/schema/index.js";
import { type Clock, systemClock } from "../domain/clock.js";
import { ConflictError, ValidationError } from "../domain/errors.js";
import { newId } from "../domain/ids.js";

export type Account = Selectable<DB["accounts"]>;

/** The one account status anything but import and account removal may reach. */
export const ACTIVE: (typeof ACCOUNT_STATUSES)[number] = "active";

/**
 * The ids of active accounts, as a subquery: `.where("account_id", "in", activeAccountIds(db))`.
 * Rows of an account being imported or removed are invisible to every path that uses it.
 */
export function activeAccountIds(db: Kysely<DB>) {
  return db.selectFrom("accounts").select("accounts.id").where("accounts.status", "=", ACTIVE);
}

/**
 * Accounts (tenants). The only repository that is not scoped by an account id. It finds active
 * accounts only: an account still being imported, or being removed, is nobody's to use.
 */
export class AccountRepository {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Whether the database holds any account at all, in any status. */
  async anyExists(): Promise<boolean> {
    return (await this.db.selectFrom("accounts").select("id").limit(1).executeTakeFirst()) !== undefined;
  }

  async findByName(name: string): Promise<Account | undefined> {
    return this.db
      .selectFrom("accounts")
      .selectAll()
      .where("name", "=", name)
      .where("status", "=", ACTIVE)
      .executeTakeFirst();
  }

  async findById(id: string): Promise<Account | undefined> {
    return this.db
      .selectFrom("accounts")
      .selectAll()
      .where("id", "=", id)
      .where("status", "=", ACTIVE)
      .executeTakeFirst();
  }

  /** Creates an empty account; names are unique (the CLI addresses accounts by name). */
  async create(input: { name: string; timeZone?: string; id?: string }): Promise<Account> {
    const name = input.name.trim();
    if (!name) throw ValidationError.field("name", "must not be empty");
    const timeZone = input.timeZone ?? "UTC";
    if (!isValidTimeZone(timeZone)) throw ValidationError.field("time_zone", `unknown time zone ${timeZone}`);
    const now = this.clock.now().toISOString();
    const row = {
      id: input.id ?? newId(),
      name,
      time_zone: timeZone,
      status: ACTIVE,
      import_lease_expires_at: null,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto("accounts").values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ConflictError(`an account named "${name}" exists already`, "name");
      throw err;
    }
    return row;
  }
}

/** Whether Intl knows the IANA zone name. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
