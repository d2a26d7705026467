import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Config } from "./config/env.js";
import { createDatabase, type Database } from "./db/create-db.js";
import { migrateToLatest } from "./db/migrations/index.js";
import type { Logger } from "./logger.js";
import type { BlobStore } from "./storage/blob-store.js";
import { createBlobStore } from "./storage/create-blob-store.js";

/** The adapters a process runs on, chosen by configuration (README.md#configuration). */
export interface Runtime {
  config: Config;
  database: Database;
  blobs: BlobStore;
  /** Link-signing key: HIREVAULT_SECRET, or generated once and kept in the data dir. */
  secret: Buffer;
  logger: Logger;
  close(): Promise<void>;
}

/** Opens the database (migrated to the latest schema) and blob storage. */
export async function openRuntime(
  config: Config,
  logger: Logger,
  opts: { migrate?: boolean } = {},
): Promise<Runtime> {
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const database = createDatabase({
    databaseUrl: config.databaseUrl,
    sqlitePath: path.join(config.dataDir, "hirevault.sqlite"),
  });
  try {
    if (opts.migrate !== false) {
      const applied = await migrateToLatest(database.db, database.dialect);
      for (const name of applied) logger.info({ migration: name }, "migration applied");
    }
    const blobs = await createBlobStore({ dataDir: config.dataDir, s3: config.s3 });
    return {
      config,
      database,
      blobs,
      secret: loadOrCreateSecret(config),
      logger,
      close: async () => {
        await blobs.close?.();
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** HIREVAULT_SECRET, else a 256-bit key generated on first run in `<data dir>/secret.key` (0600). */
export function loadOrCreateSecret(config: Pick<Config, "secret" | "dataDir">): Buffer {
  if (config.secret) return Buffer.from(config.secret, "utf8");
  const file = path.join(config.dataDir, "secret.key");
  try {
    return Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64url");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const key = crypto.randomBytes(32);
  try {
    // `wx`: if another process created it first, keep theirs (read it back below).
    fs.writeFileSync(file, `${key.toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64url");
  }
}
