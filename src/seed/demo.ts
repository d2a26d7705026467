import type { Kysely } from "kysely";
import type { DB } from "../db/schema/index.js";
import type { BlobStore } from "../storage/blob-store.js";
import { seedAccount } from "./seed-account.js";

/** Name, size, time zone and seed of the demo account. */
export const DEMO_ACCOUNT = {
  name: "demo",
  timeZone: "Europe/London",
  candidates: 300,
  seed: "demo",
} as const;

/** What {@link seedDemoAccount} made: the account and two users to act as. */
export interface DemoAccount {
  accountId: string;
  ownerUserId: string;
  adminUserId: string;
  counts: Record<string, number>;
}

/**
 * Seeds the demo account: "demo", Europe/London, 300 candidates, seed "demo". Deterministic, so
 * screenshots and walkthroughs stay the same. Fails if an account named "demo" exists.
 */
export async function seedDemoAccount(opts: { db: Kysely<DB>; blobs: BlobStore }): Promise<DemoAccount> {
  const { accountId, counts } = await seedAccount({
    db: opts.db,
    blobs: opts.blobs,
    accountName: DEMO_ACCOUNT.name,
    timeZone: DEMO_ACCOUNT.timeZone,
    candidates: DEMO_ACCOUNT.candidates,
    seed: DEMO_ACCOUNT.seed,
  });
  const userOf = async (role: "owner" | "admin") => {
    const row = await opts.db
      .selectFrom("users")
      .select("id")
      .where("account_id", "=", accountId)
      .where("role", "=", role)
      .where("status", "=", "active")
      .orderBy("id")
      .executeTakeFirstOrThrow();
    return row.id;
  };
  return { accountId, ownerUserId: await userOf("owner"), adminUserId: await userOf("admin"), counts };
}
