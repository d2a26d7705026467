import type { Kysely } from "kysely";
import type { DB } from "../db/schema/index.js";
import { type Clock, systemClock } from "../domain/clock.js";
import { NotFoundError, ValidationError } from "../domain/errors.js";
import { recordAudit } from "../repositories/audit-log.repository.js";
import { UserRepository } from "../repositories/user.repository.js";
import { hashPassword, passwordProblem } from "./password-hash.js";
import type { WriteContext } from "./write-context.js";

/**
 * Sets a team member's password (scrypt-hashed, `password-hash.ts`). Every session of that user
 * ends: a new password signs out everywhere else (OWASP Session Management: renew on privilege
 * or credential change). Audited without the password.
 */
export async function setUserPassword(
  db: Kysely<DB>,
  ctx: WriteContext,
  input: { email: string; password: string },
  clock: Clock = systemClock,
): Promise<{ userId: string; email: string; status: string }> {
  const problem = passwordProblem(input.password);
  if (problem) throw ValidationError.field("password", problem);
  const email = input.email.trim().toLowerCase();
  const user = await new UserRepository(db).findByEmail(ctx.accountId, email);
  if (!user) throw new NotFoundError("user", email);
  const hash = await hashPassword(input.password);
  const at = clock.now().toISOString();
  await db.transaction().execute(async (trx) => {
    await new UserRepository(trx).setPasswordHash(ctx.accountId, user.id, hash, at);
    await recordAudit(trx, ctx, { action: "user.password_set", entityType: "user", entityId: user.id }, at);
  });
  return { userId: user.id, email: user.email, status: user.status };
}
