/**
 * The accounts the Data Files table tests read: "Acme Corp" seeded with the hostile slice, and
 * "Other" whose rows must never show up in Acme's files. On top of the seed: secrets to look for
 * (a password hash, an API token), custom fields whose labels collide, and Acme rows pointing at
 * Other's records (a polymorphic id has no foreign key) whose names must not be resolved.
 */
import crypto from "node:crypto";
import type { DialectName } from "../../../../src/db/dialect.js";
import { type Fixture, seedFixture } from "../helpers.js";

/** Secret values planted in Acme; none may appear in any file. */
export const SECRETS = {
  passwordHash: "$argon2id$CANARY-password-hash",
  tokenHash: "CANARY-token-hash-0123",
};
/** Names planted in Other; none may appear in Acme's files. */
export const OTHER_CANARIES = { company: "CANARY-other-company", user: "CANARY-other-user" };

/** The fixture plus the ids the tests look for. */
export interface TablesFixture extends Fixture {
  tokenId: string;
  tokenName: string;
  /** Other's records that Acme rows point at. */
  otherCompanyId: string;
  otherUserId: string;
  /** Acme's extra company custom fields: labels "Name" and "Tier" (taken by a column / a field). */
  clashingFieldIds: string[];
}

const stamps = () => ({ created_at: "2026-01-02T03:04:05.000Z", updated_at: "2026-01-02T03:04:05.000Z" });

/** Seeds both accounts and plants the extras (see the module comment). */
export async function seedTablesFixture(dialect: DialectName, candidates = 60): Promise<TablesFixture> {
  const fx = await seedFixture(dialect, candidates);
  const { db } = fx.database;
  const acme = fx.accountId;
  const other = fx.otherAccountId;
  const firstOf = async (table: "users" | "companies" | "lists", accountId: string) =>
    (
      await db
        .selectFrom(table)
        .select("id")
        .where("account_id", "=", accountId)
        .orderBy("id")
        .executeTakeFirstOrThrow()
    ).id;

  const acmeUserId = await firstOf("users", acme);
  await db
    .updateTable("users")
    .set({ password_hash: SECRETS.passwordHash })
    .where("id", "=", acmeUserId)
    .execute();
  const tokenId = crypto.randomUUID();
  const tokenName = "=CI token";
  await db
    .insertInto("api_tokens")
    .values({
      ...{ id: tokenId, account_id: acme, user_id: acmeUserId, name: tokenName, role: "admin" },
      ...{ token_prefix: "hv_ci", token_hash: SECRETS.tokenHash, last_used_at: null, expires_at: null },
      ...{ revoked_at: null, ...stamps() },
    })
    .execute();

  const otherUserId = await firstOf("users", other);
  await db.updateTable("users").set({ name: OTHER_CANARIES.user }).where("id", "=", otherUserId).execute();
  const otherCompanyId = await firstOf("companies", other);
  await db
    .updateTable("companies")
    .set({ name: OTHER_CANARIES.company })
    .where("id", "=", otherCompanyId)
    .execute();

  const audit = (actor_type: "user" | "api_token", actor_id: string) => ({
    ...{ id: crypto.randomUUID(), account_id: acme, actor_type, actor_id, action: "test.planted" },
    ...{ entity_type: null, entity_id: null, at: "2026-01-02T03:04:05.000Z", changes: null, ip: null },
    ...stamps(),
  });
  await db
    .insertInto("audit_log")
    .values([audit("api_token", tokenId), audit("user", otherUserId)])
    .execute();
  const companyList = await db
    .selectFrom("lists")
    .select("id")
    .where("account_id", "=", acme)
    .where("entity_type", "=", "company")
    .orderBy("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("list_members")
    .values({
      ...{ id: crypto.randomUUID(), account_id: acme, list_id: companyList.id, entity_type: "company" },
      ...{ entity_id: otherCompanyId, added_by_id: null, added_at: "2026-01-02T03:04:05.000Z", ...stamps() },
    })
    .execute();
  await db
    .insertInto("tasks")
    .values({
      ...{ id: crypto.randomUUID(), account_id: acme, title: "@planted", description: null, status: "open" },
      ...{ due_at: null, assignee_id: null, related_type: "company", related_id: otherCompanyId },
      ...{ completed_at: null, created_by_id: null, ...stamps() },
    })
    .execute();

  const clashingFieldIds = [crypto.randomUUID(), crypto.randomUUID()];
  await db
    .insertInto("custom_field_definitions")
    .values(
      [
        { label: "Name", key: "legal_name", type: "text" as const, position: 98 },
        { label: "tier", key: "tier_2", type: "select" as const, position: 99 },
      ].map((d, i) => ({
        ...{ id: clashingFieldIds[i]!, account_id: acme, entity_type: "company" as const, options: null },
        ...d,
        ...stamps(),
      })),
    )
    .execute();
  const acmeCompanyId = await firstOf("companies", acme);
  await db
    .insertInto("custom_field_values")
    .values({
      ...{
        id: crypto.randomUUID(),
        account_id: acme,
        definition_id: clashingFieldIds[0]!,
        entity_type: "company",
      },
      ...{ entity_id: acmeCompanyId, value: "=1+1 Ltd", ...stamps() },
    })
    .execute();
  return { ...fx, tokenId, tokenName, otherCompanyId, otherUserId, clashingFieldIds };
}
