import type { Command } from "commander";

export function registerUser(program: Command): void {
  const user = program.command("user").description("team members who sign in to the web pages");
  user
    .command("list")
    .description("list the account's team members: email, role, status, whether they can sign in")
    .requiredOption("--account <name>", "account name")
    .action(async (opts: { account: string }) => (await import("../actions/user.js")).listUsers(opts));
  user
    .command("password")
    .description("set a team member's password and print it (one line); --stdin reads it instead")
    .requiredOption("--account <name>", "account name")
    .requiredOption("--email <email>", "the team member's email")
    .option("--stdin", "read the new password from the first line of stdin; print nothing")
    .action(async (opts: { account: string; email: string; stdin?: boolean }) =>
      (await import("../actions/user.js")).setPassword(opts),
    );
}
