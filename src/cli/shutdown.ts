import type { Logger } from "../logger.js";

/** Hands the graceful stop its work once the process has something to close. */
export interface Shutdown {
  ready(close: () => Promise<void>): void;
}

/**
 * Graceful stop on SIGTERM / SIGINT: run `close` once, then exit 0. A second signal, or a stop
 * that takes longer than 30 s, exits at once with 1.
 *
 * Call it first thing, before the slow start (opening the database, migrating): a signal that
 * arrives during start-up then waits for it and closes what it opened, instead of killing the
 * process half-started (a supervisor stopping a worker it just launched sees exit 0, not a kill).
 */
export function onShutdown(logger: Logger): Shutdown {
  let closing = false;
  let ready!: (close: () => Promise<void>) => void;
  const closer = new Promise<() => Promise<void>>((resolve) => {
    ready = resolve;
  });
  const handler = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => process.exit(1), 30_000);
    timer.unref();
    closer
      .then((close) => close())
      .then(
        () => process.exit(0),
        (err) => {
          logger.error({ err }, "shutdown failed");
          process.exit(1);
        },
      );
  };
  process.once("SIGTERM", handler);
  process.once("SIGINT", handler);
  return { ready };
}
