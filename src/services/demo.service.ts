import { ConflictError } from "../domain/errors.js";
import { AccountRepository } from "../repositories/account.repository.js";
import { UserRepository } from "../repositories/user.repository.js";
import type { Runtime } from "../runtime.js";
import { seedDemoAccount } from "../seed/demo.js";
import { ApiTokenService } from "./api-token.service.js";
import { generatePassword } from "./password-hash.js";
import { setUserPassword } from "./user-password.service.js";
import { SYSTEM_ACTOR } from "./write-context.js";

export interface DemoResult {
  accountName: string;
  /** Shown once, on the run that created it; only its hash is stored. */
  token: string | null;
  /** The demo admin's sign-in for the web pages, shown once like the token. */
  signIn: { email: string; password: string } | null;
}

/**
 * First run of `start` (README.md: a demo account is seeded on the first run): when the database
 * has no account at all, seed the demo account and mint an admin token to print. Later runs find
 * the account and mint nothing: the token cannot be shown again, only replaced (`token create`).
 */
export async function ensureDemoAccount(rt: Runtime): Promise<DemoResult | null> {
  if (!rt.config.demo) return null;
  if (await new AccountRepository(rt.database.db).anyExists()) return null;
  try {
    const { accountId, adminUserId } = await seedDemoAccount({ db: rt.database.db, blobs: rt.blobs });
    const { token } = await new ApiTokenService(rt.database.db).create(
      accountId,
      { name: "demo (printed at first start)", role: "admin", userId: adminUserId },
      { accountId, actor: SYSTEM_ACTOR },
    );
    const password = generatePassword();
    const { email } = await setUserPassword(
      rt.database.db,
      { accountId, actor: SYSTEM_ACTOR },
      { email: await new UserRepository(rt.database.db).emailOf(accountId, adminUserId), password },
    );
    return { accountName: "demo", token, signIn: { email, password } };
  } catch (err) {
    // Another process seeded it in the meantime (two `start`s on one empty PostgreSQL).
    if (err instanceof ConflictError) return null;
    throw err;
  }
}
