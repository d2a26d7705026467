import { type Command, Option } from "commander";
import { ROLES } from "../../db/schema/index.js";
import type { Role } from "../../domain/roles.js";
import { ApiTokenService } from "../../services/api-token.service.js";
import { SYSTEM_ACTOR } from "../../services/write-context.js";
import { requireAccount, withRuntime } from "../context.js";

export function registerToken(program: Command): void {
  const token = program.command("token").description("manage API tokens");
  token
    .command("create")
    .description("create an API token and print it on stdout (one line; it is shown only once)")
    .requiredOption("--account <name>", "account name")
    .addOption(new Option("--role <role>", "token role").choices(ROLES).makeOptionMandatory())
    .option("--name <name>", "label shown in the token list", "cli")
    .action(async (opts: { account: string; role: Role; name: string }) => {
      await withRuntime(async (rt) => {
        const account = await requireAccount(rt, opts.account);
        const { token: secret } = await new ApiTokenService(rt.database.db).create(
          account.id,
          { name: opts.name, role: opts.role },
          { accountId: account.id, actor: SYSTEM_ACTOR },
        );
        process.stdout.write(`${secret}\n`);
      });
    });
}
