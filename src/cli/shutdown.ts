import type { Logger } from "../logger.js";

/**
 * Graceful stop on SIGTERM / SIGINT: run `close` once, then exit 0. A second signal, or a close
 * that takes longer than 30 s, exits at once with 1.
 */
export function onShutdown(close: () => Promise<void>, logger: Logger): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => process.exit(1), 30_000);
    timer.unref();
    close().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", handler);
  process.once("SIGINT", handler);
}
