// No runtime imports: the launcher (bin/hirevault.js) loads this module before anything else, so
// that holdSignals() is in place while the rest of the CLI is still loading.
import type { Logger } from "../logger.js";

/** Hands the graceful stop its work once the process has something to close. */
export interface Shutdown {
  ready(close: () => Promise<void>): void;
}

const SIGNALS = ["SIGTERM", "SIGINT"] as const;
let held: NodeJS.Signals | undefined;
let holding = false;

function hold(signal: NodeJS.Signals): void {
  if (held) {
    // A second signal while still loading: die of it now, whatever the command.
    releaseSignals();
    return;
  }
  held = signal;
}

/**
 * Holds SIGTERM / SIGINT from the first line of the launcher: loading the CLI takes a while (its
 * module graph, on a loaded machine, seconds), and a signal in that time would otherwise kill the
 * process half-started. The command decides what a held signal does: `onShutdown` takes it over
 * (start, worker stop cleanly with 0); any other command calls `releaseSignals` and dies of it.
 */
export function holdSignals(): void {
  if (holding) return;
  holding = true;
  for (const signal of SIGNALS) process.on(signal, hold);
}

/**
 * Ends the hold: the default action of SIGTERM / SIGINT applies again, and a signal held so far
 * is raised again, so the process dies of it as it would have without the hold.
 */
export function releaseSignals(): void {
  if (!holding) return;
  holding = false;
  for (const signal of SIGNALS) process.off(signal, hold);
  const signal = held;
  held = undefined;
  if (signal) process.kill(process.pid, signal);
}

/**
 * Graceful stop on SIGTERM / SIGINT: run `close` once, then exit 0. A second signal, or a stop
 * that takes longer than 30 s, exits at once with 1.
 *
 * Call it first thing, before the slow start (opening the database, migrating): a signal that
 * arrives during start-up then waits for it and closes what it opened, instead of killing the
 * process half-started (a supervisor stopping a worker it just launched sees exit 0, not a kill).
 * A signal held since launch (`holdSignals`) is taken over: the stop begins at once.
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
  // Listen before the hold ends: between the two, the default action (death) would apply.
  process.once("SIGTERM", handler);
  process.once("SIGINT", handler);
  const early = held;
  holding = false;
  held = undefined;
  for (const signal of SIGNALS) process.off(signal, hold);
  if (early) handler(early);
  return { ready };
}
