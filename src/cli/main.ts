// Only what `--help` and a usage error need: each command imports its action's modules (the
// database drivers, the HTTP app, the AWS SDK...) when it runs.
import { Command, CommanderError } from "commander";
import { dropWritesToClosedPipes } from "./closed-pipes.js";
import { registerExport } from "./commands/export.js";
import { registerImport } from "./commands/import.js";
import { registerInvoice } from "./commands/invoice.js";
import { registerMigrate } from "./commands/migrate.js";
import { registerSeed } from "./commands/seed.js";
import { registerStart } from "./commands/start.js";
import { registerToken } from "./commands/token.js";
import { registerUser } from "./commands/user.js";
import { registerVerify } from "./commands/verify.js";
import { registerWorker } from "./commands/worker.js";
import { releaseSignals } from "./shutdown.js";

/** Exit codes of README.md#command-line. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * Commands that stop gracefully (`onShutdown`): they take over a SIGTERM / SIGINT held since
 * launch. Any other command ends the hold before its action and dies of such a signal.
 */
const STOPS_GRACEFULLY = new Set(["start", "worker"]);

export function buildProgram(): Command {
  const program = new Command("hirevault")
    .description("Hirevault: a system of record for recruiting data that never holds it hostage")
    .showHelpAfterError()
    .exitOverride()
    .hook("preAction", (_program, command) => {
      if (!(command.parent === program && STOPS_GRACEFULLY.has(command.name()))) releaseSignals();
    });
  registerStart(program);
  registerWorker(program);
  registerMigrate(program);
  registerSeed(program);
  registerToken(program);
  registerUser(program);
  registerExport(program);
  registerImport(program);
  registerInvoice(program);
  registerVerify(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit "successfully" through the same path.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const [
      { ConfigError },
      { isDatabaseBusy },
      { ConflictError, NotFoundError, ValidationError },
      { ImportError },
    ] = await Promise.all([
      import("../config/env.js"),
      import("../db/dialect.js"),
      import("../domain/errors.js"),
      import("../import/import-error.js"),
    ]);
    if (
      err instanceof ConfigError ||
      err instanceof ValidationError ||
      err instanceof NotFoundError ||
      err instanceof ConflictError ||
      err instanceof ImportError
    ) {
      process.stderr.write(`hirevault: ${err.message}\n`);
      return EXIT.failure;
    }
    if (isDatabaseBusy(err)) {
      // Another process held the lock for longer than a statement waits: a reason, not a trace.
      process.stderr.write(
        `hirevault: the database is busy with another writer (${(err as Error).message}); try again\n`,
      );
      return EXIT.failure;
    }
    process.stderr.write(`hirevault: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT.failure;
  } finally {
    // --help, a usage error, a command that failed before its graceful stop was in place.
    releaseSignals();
  }
}

dropWritesToClosedPipes(process.stdout, process.stderr);
const code = await main(process.argv);
// Long-running commands (start, worker) keep the event loop alive and exit via their signals.
if (code !== EXIT.ok) process.exit(code);
else process.exitCode = 0;
