import type { Role } from "../../domain/roles.js";
import { ApiTokenService } from "../../services/api-token.service.js";
import { SYSTEM_ACTOR } from "../../services/write-context.js";
import { requireAccount, withRuntime } from "../context.js";

/** `hirevault token create`: prints a new API token (shown only this once). */
export async function createToken(opts: { account: string; role: Role; name: string }): Promise<void> {
  await withRuntime(async (rt) => {
    const account = await requireAccount(rt, opts.account);
    const { token: secret } = await new ApiTokenService(rt.database.db).create(
      account.id,
      { name: opts.name, role: opts.role },
      { accountId: account.id, actor: SYSTEM_ACTOR },
    );
    process.stdout.write(`${secret}\n`);
  });
}
