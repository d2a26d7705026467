import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { AccountRepository } from "../../src/repositories/account.repository.js";
import { EntityService } from "../../src/services/entity.service.js";
import type { WriteContext } from "../../src/services/write-context.js";
import { LocalBlobStore } from "../../src/storage/local-blob-store.js";
import type { TestDatabase } from "./dialects.js";

/** A service stack on a test database with a temp local blob store (real adapters, no mocks). */
export async function buildServices(database: TestDatabase) {
  const blobDir = await fs.mkdtemp(path.join(os.tmpdir(), "hv-blobs-"));
  const blobs = new LocalBlobStore(blobDir);
  const entities = new EntityService({ db: database.db, dialect: database.dialect, blobs });
  const accounts = new AccountRepository(database.db);
  return {
    blobs,
    blobDir,
    entities,
    accounts,
    /** A new account and a write context acting as its owner (system actor). */
    async newAccount(name = `acct-${Math.random().toString(36).slice(2, 10)}`): Promise<WriteContext> {
      const account = await accounts.create({ name, timeZone: "Europe/Berlin" });
      return { accountId: account.id, actor: { type: "system", id: null, role: "owner" } };
    },
    cleanup: () => fs.rm(blobDir, { recursive: true, force: true }),
  };
}

/** Minimal valid inputs (Outline's buildX): override what a test cares about. */
export const build = {
  person: (over: Record<string, unknown> = {}) => ({ first_name: "Ada", last_name: "Lovelace", ...over }),
  company: (over: Record<string, unknown> = {}) => ({ name: "Analytical Engines Ltd", ...over }),
  job: (over: Record<string, unknown> = {}) => ({ title: "Engineer", state: "published", ...over }),
};
