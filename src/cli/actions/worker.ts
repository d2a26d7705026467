import { loadConfig } from "../../config/env.js";
import { createWorker } from "../../jobs/create-worker.js";
import { createLogger } from "../../logger.js";
import { openRuntime } from "../../runtime.js";
import { onShutdown } from "../shutdown.js";

/** `hirevault worker`: runs background tasks until SIGTERM / SIGINT. */
export async function worker(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  const shutdown = onShutdown(logger);
  logger.info("worker starting");
  const rt = await openRuntime(config, logger);
  const worker = createWorker(rt);
  worker.start();
  logger.info({ database: rt.database.location }, "worker started");
  shutdown.ready(async () => {
    await worker.stop();
    await rt.close();
  });
}
