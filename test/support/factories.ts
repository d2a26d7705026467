import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Insertable, Kysely } from "kysely";
import type { DB } from "../../src/db/schema/index.js";
import { uuidv7 } from "../../src/domain/ids.js";
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

/** Inserts a team member straight into the database (no invitation, no password); returns its id. */
export async function insertUser(
  db: Kysely<DB>,
  user: {
    accountId: string;
    role: Insertable<DB["users"]>["role"];
    status?: Insertable<DB["users"]>["status"];
    name?: string;
    email?: string;
    at?: Date;
  },
): Promise<string> {
  const id = uuidv7();
  const now = (user.at ?? new Date()).toISOString();
  await db
    .insertInto("users")
    .values({
      id,
      account_id: user.accountId,
      name: user.name ?? `${user.role} ${id.slice(-6)}`,
      email: user.email ?? `${id}@example.test`,
      role: user.role,
      status: user.status ?? "active",
      password_hash: null,
      last_login_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}
