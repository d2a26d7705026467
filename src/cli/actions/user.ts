import { ValidationError } from "../../domain/errors.js";
import { UserRepository } from "../../repositories/user.repository.js";
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

/** `hirevault user list`: email, role, status, whether they can sign in. */
export async function listUsers(opts: { account: string }): Promise<void> {
  await withRuntime(async (rt) => {
    const account = await requireAccount(rt, opts.account);
    const rows = await new UserRepository(rt.database.db).listWithSignIn(account.id);
    for (const r of rows) {
      const signIn = r.status === "active" && r.hasPassword ? "can sign in" : "no sign-in";
      process.stdout.write(`${r.email}\t${r.role}\t${r.status}\t${signIn}\n`);
    }
  });
}

/** `hirevault user password`: sets a team member's password; prints it unless read from stdin. */
export async function setPassword(opts: { account: string; email: string; stdin?: boolean }): Promise<void> {
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
}
