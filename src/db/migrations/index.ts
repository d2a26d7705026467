import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import type { DialectName } from "../dialect.js";
import type { DB } from "../schema/index.js";
import { createCoreSchema } from "./2026-11-24-0900-create-core-schema.js";
import { createExportJobs } from "./2026-11-24-1400-create-export-jobs.js";
import { createOutbox } from "./2026-11-24-1600-create-outbox.js";
import { createWebSessions } from "./2026-11-24-1800-create-web-sessions.js";
import { addErasureHolds } from "./2026-12-02-1100-add-erasure-holds.js";
import { indexStorageKeys } from "./2026-12-02-1200-index-storage-keys.js";
import { addAccountImportState } from "./2026-12-02-1300-add-account-import-state.js";

/**
 * Migrations in name order (`YYYY-MM-DD-HHMM-verb-noun`); each takes the dialect it runs on.
 * A released migration never changes, so it imports no live code but types: it spells out the
 * storage types it uses itself, and later code can change without changing what it creates.
 */
const MIGRATIONS: Record<string, (dialect: DialectName) => Migration> = {
  "2026-11-24-0900-create-core-schema": createCoreSchema,
  "2026-11-24-1400-create-export-jobs": createExportJobs,
  "2026-11-24-1600-create-outbox": createOutbox,
  "2026-11-24-1800-create-web-sessions": createWebSessions,
  "2026-12-02-1100-add-erasure-holds": addErasureHolds,
  "2026-12-02-1200-index-storage-keys": indexStorageKeys,
  "2026-12-02-1300-add-account-import-state": addAccountImportState,
};

class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(Object.entries(MIGRATIONS).map(([name, make]) => [name, make(this.dialect)]));
  }
}

/** Brings the schema to the latest version; safe to run from several processes at once. */
export async function migrateToLatest(db: Kysely<DB>, dialect: DialectName): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`migration ${failed ?? "?"} failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
