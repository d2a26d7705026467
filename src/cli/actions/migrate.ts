import { loadConfig } from "../../config/env.js";
import { createLogger } from "../../logger.js";
import { openRuntime } from "../../runtime.js";

/** `hirevault migrate`: brings the schema to the latest version. */
export async function migrate(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: "silent" });
  const rt = await openRuntime(config, logger, { migrate: false });
  try {
    const { migrateToLatest } = await import("../../db/migrations/index.js");
    const applied = await migrateToLatest(rt.database.db, rt.database.dialect);
    process.stdout.write(
      applied.length
        ? `applied: ${applied.join(", ")}\n`
        : `schema is up to date (${rt.database.location})\n`,
    );
  } finally {
    await rt.close();
  }
}
