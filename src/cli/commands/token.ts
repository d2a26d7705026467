import { type Command, Option } from "commander";
import { ROLES } from "../../db/schema/people.js";
import type { Role } from "../../domain/roles.js";

export function registerToken(program: Command): void {
  const token = program.command("token").description("manage API tokens");
  token
    .command("create")
    .description("create an API token and print it on stdout (one line; it is shown only once)")
    .requiredOption("--account <name>", "account name")
    .addOption(new Option("--role <role>", "token role").choices(ROLES).makeOptionMandatory())
    .option("--name <name>", "label shown in the token list", "cli")
    .action(async (opts: { account: string; role: Role; name: string }) =>
      (await import("../actions/token.js")).createToken(opts),
    );
}
