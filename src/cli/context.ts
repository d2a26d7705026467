import { loadConfig } from "../config/env.js";
import { NotFoundError } from "../domain/errors.js";
import { createLogger } from "../logger.js";
import { type Account, AccountRepository } from "../repositories/account.repository.js";
import { openRuntime, type Runtime } from "../runtime.js";

/** Opens the runtime for a CLI command; logs go to stderr so stdout carries only results. */
export async function openCliRuntime(): Promise<Runtime> {
  const config = loadConfig();
  const logger = createLogger({
    level: config.logLevel === "info" ? "warn" : config.logLevel,
    destination: "stderr",
  });
  return openRuntime(config, logger);
}

/** Runs `fn` with a runtime and always closes it. */
export async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await openCliRuntime();
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

/** The account named on the command line, or a clear error. */
export async function requireAccount(rt: Runtime, name: string): Promise<Account> {
  const account = await new AccountRepository(rt.database.db).findByName(name);
  if (!account) throw new NotFoundError("account", name);
  return account;
}
