import type { Kysely, Selectable } from "kysely";
import { isUniqueViolation } from "../db/dialect.js";
import type { DB } from "../db/schema/index.js";
import { type Clock, systemClock } from "../domain/clock.js";
import { ConflictError, ValidationError } from "../domain/errors.js";
import { newId } from "../domain/ids.js";

export type Account = Selectable<DB["accounts"]>;

/** Accounts (tenants). The only repository that is not scoped by an account id. */
export class AccountRepository {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock = systemClock,
  ) {}

  async findByName(name: string): Promise<Account | undefined> {
    return this.db.selectFrom("accounts").selectAll().where("name", "=", name).executeTakeFirst();
  }

  async findById(id: string): Promise<Account | undefined> {
    return this.db.selectFrom("accounts").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** Creates an empty account; names are unique (the CLI addresses accounts by name). */
  async create(input: { name: string; timeZone?: string; id?: string }): Promise<Account> {
    const name = input.name.trim();
    if (!name) throw ValidationError.field("name", "must not be empty");
    const timeZone = input.timeZone ?? "UTC";
    if (!isValidTimeZone(timeZone)) throw ValidationError.field("time_zone", `unknown time zone ${timeZone}`);
    const now = this.clock.now().toISOString();
    const row = { id: input.id ?? newId(), name, time_zone: timeZone, created_at: now, updated_at: now };
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
