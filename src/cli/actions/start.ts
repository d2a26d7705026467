import net from "node:net";
import { linkBaseUrl, loadConfig } from "../../config/env.js";
import { buildApp } from "../../http/app.js";
import { createWorker } from "../../jobs/create-worker.js";
import type { Worker } from "../../jobs/worker.js";
import { createLogger } from "../../logger.js";
import { openRuntime } from "../../runtime.js";
import { ensureDemoAccount } from "../../services/demo.service.js";
import { onShutdown } from "../shutdown.js";

/** `hirevault start`: the HTTP API and (unless `--no-worker`) a worker, until SIGTERM / SIGINT. */
export async function start(opts: { worker: boolean }): Promise<void> {
  const config = loadConfig();
  // PORT=0 (any free port): pick it now, so the links in pages, API answers and emails carry
  // the real port rather than :0.
  if (config.port === 0 && !config.publicUrl) config.port = await freePort(config.host);
  const logger = createLogger({ level: config.logLevel });
  const shutdown = onShutdown(logger);
  const rt = await openRuntime(config, logger);
  const demo = await ensureDemoAccount(rt);
  const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
  const configuredUrl = linkBaseUrl(config);
  const app = await buildApp({
    db: rt.database.db,
    dialect: rt.database.dialect,
    blobs: rt.blobs,
    config,
    logger,
    secret: rt.secret,
    readSnapshot: rt.database.readSnapshot,
    publicUrl: configuredUrl,
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = config.publicUrl ?? `http://${host}:${port}`;
  let worker: Worker | undefined;
  if (opts.worker) {
    worker = createWorker(rt);
    worker.start();
  }
  const lines = [
    "",
    `Hirevault is running at ${url}`,
    `  API:       ${url}/api/v1/  (OpenAPI: ${url}/api/v1/openapi.json)`,
    `  Database:  ${rt.database.location}`,
    `  Files:     ${config.s3 ? `s3://${config.s3.bucket}` : `${config.dataDir}/blobs`}`,
  ];
  if (demo?.signIn) {
    lines.push(
      `  Demo account "${demo.accountName}" seeded. Sign in at ${url}/login (shown this once, keep it):`,
      `    Account:   ${demo.accountName}`,
      `    Email:     ${demo.signIn.email}`,
      `    Password:  ${demo.signIn.password}`,
      `  Then Settings › Data Backup › Enable Monthly Backups; the first backup starts at once.`,
    );
  }
  if (demo?.token) {
    lines.push(
      `  Admin API token (shown this once, keep it):`,
      `    ${demo.token}`,
      `  Try: curl -H "Authorization: Bearer ${demo.token}" ${url}/api/v1/persons?limit=5`,
    );
  } else {
    lines.push(
      `  Web pages: ${url}/login  (a new password: npx hirevault user password --account demo --email EMAIL;`,
      "    emails: npx hirevault user list --account demo)",
      "  New API token: npx hirevault token create --account demo --role admin",
    );
  }
  process.stdout.write(`${lines.join("\n")}\n\n`);
  shutdown.ready(async () => {
    await app.close(); // stops accepting, lets in-flight requests finish
    await worker?.stop();
    await rt.close();
  });
}

/** A port free on `host` right now (the OS picks it). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
