import type { Command } from "commander";
import { ValidationError } from "../../domain/errors.js";
import { generatePassword } from "../../services/password-hash.js";
import { setUserPassword } from "../../services/user-password.service.js";
import { SYSTEM_ACTOR } from "../../services/write-context.js";
import { requireAccount, withRuntime } from "../context.js";

/** Reads one line from stdin (a password piped in, never a command-line argument: `ps` shows those). */
async function readStdinLine(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) {
    text += chunk;
    if (text.includes("\n") || text.length > 1024) break;
  }
  return text.split(/\r?\n/)[0] ?? "";
}

export function registerUser(program: Command): void {
  const user = program.command("user").description("team members who sign in to the web pages");
  user
    .command("list")
    .description("list the account's team members: email, role, status, whether they can sign in")
    .requiredOption("--account <name>", "account name")
    .action(async (opts: { account: string }) => {
      await withRuntime(async (rt) => {
        const account = await requireAccount(rt, opts.account);
        const rows = await rt.database.db
          .selectFrom("users")
          .select(["email", "role", "status", "password_hash"])
          .where("account_id", "=", account.id)
          .orderBy("email")
          .execute();
        for (const r of rows) {
          const signIn = r.status === "active" && r.password_hash ? "can sign in" : "no sign-in";
          process.stdout.write(`${r.email}\t${r.role}\t${r.status}\t${signIn}\n`);
        }
      });
    });
  user
    .command("password")
    .description("set a team member's password and print it (one line); --stdin reads it instead")
    .requiredOption("--account <name>", "account name")
    .requiredOption("--email <email>", "the team member's email")
    .option("--stdin", "read the new password from the first line of stdin; print nothing")
    .action(async (opts: { account: string; email: string; stdin?: boolean }) => {
      const password = opts.stdin ? await readStdinLine() : generatePassword();
      if (!password) throw ValidationError.field("password", "stdin held no password");
      await withRuntime(async (rt) => {
        const account = await requireAccount(rt, opts.account);
        const { email, status } = await setUserPassword(
          rt.database.db,
          { accountId: account.id, actor: SYSTEM_ACTOR },
          {
            email: opts.email,
            password,
          },
        );
        if (!opts.stdin) process.stdout.write(`${password}\n`);
        // Only active team members sign in: say so rather than hand out a password that fails.
        if (status !== "active") {
          process.stderr.write(
            `hirevault: the password is set, but ${email} is ${status}: they cannot sign in until their status is active\n`,
          );
        }
      });
    });
}
