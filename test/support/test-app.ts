import crypto from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { FastifyBaseLogger, InjectOptions, LightMyRequestResponse as Response } from "fastify";
import { type DownloadMode, loadConfig } from "../../src/config/env.js";
import type { DialectName } from "../../src/db/dialect.js";
import { ROLES } from "../../src/db/schema/index.js";
import type { Clock } from "../../src/domain/clock.js";
import type { Role } from "../../src/domain/roles.js";
import { type App, buildApp } from "../../src/http/app.js";
import { AccountRepository } from "../../src/repositories/account.repository.js";
import { ApiTokenService } from "../../src/services/api-token.service.js";
import type { BlobStore } from "../../src/storage/blob-store.js";
import { LocalBlobStore } from "../../src/storage/local-blob-store.js";
import { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from "./dialects.js";
import { insertUser } from "./factories.js";

/** An account with one user and one API token per role. */
export interface TestAccount {
  id: string;
  name: string;
  tokens: Record<Role, string>;
  tokenIds: Record<Role, string>;
  userIds: Record<Role, string>;
}

/** One part of a multipart/form-data body. */
export type FormPart =
  | { name: string; value: string }
  | { name: string; filename: string; content: Buffer; contentType?: string; rawDisposition?: string };

/** Requests as one token (Hono's `app.request()` style: no port is opened). */
export interface Client {
  get(url: string, headers?: Record<string, string>): Promise<Response>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  patch(url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  delete(url: string, headers?: Record<string, string>): Promise<Response>;
  upload(url: string, parts: FormPart[]): Promise<Response>;
}

export interface TestApp {
  app: App;
  database: TestDatabase;
  blobs: BlobStore;
  blobDir: string;
  /** The link-signing key the app was built with (`opts.secret` or a random one). */
  secret: Buffer;
  a: TestAccount;
  b: TestAccount;
  tokens: ApiTokenService;
  /** A client acting with `role`'s token of `account` (default: account A). */
  as(role: Role, account?: TestAccount): Client;
  /** A client sending a raw `Authorization` header value, or none. */
  anonymous(authorization?: string): Client;
  inject(opts: InjectOptions): Promise<Response>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  rateLimitMax?: number;
  maxUploadBytes?: number;
  logger?: FastifyBaseLogger;
  clock?: Clock;
  /** Link-signing key (`Runtime.secret`); random when omitted. */
  secret?: Buffer;
  /** Blob store of the app (e.g. S3 on s3rver); a local store in a temp dir when omitted. */
  blobs?: BlobStore;
  /** `HIREVAULT_DOWNLOADS`; the default (`redirect`) when omitted. */
  downloads?: DownloadMode;
  /** `TRUST_PROXY` (e.g. `true`, so `x-forwarded-proto: https` makes a request HTTPS); off when omitted. */
  trustProxy?: boolean;
  /** Lock waits of the database (a short busy timeout, to provoke a busy database). */
  database?: TestDatabaseOptions;
}

/** A migrated database of `dialect`, a blob store (local in a temp dir by default), two accounts, the app. */
export async function createTestApp(dialect: DialectName, opts: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase(dialect, opts.database);
  const blobDir = await fs.mkdtemp(path.join(os.tmpdir(), "hv-blobs-"));
  const blobs = opts.blobs ?? new LocalBlobStore(blobDir);
  const config = {
    ...loadConfig({}),
    dataDir: blobDir,
    logLevel: "silent" as const,
    rateLimitMax: opts.rateLimitMax ?? 100_000,
    maxUploadBytes: opts.maxUploadBytes ?? 1024 * 1024,
    ...(opts.downloads ? { downloads: opts.downloads } : {}),
    ...(opts.trustProxy !== undefined ? { trustProxy: opts.trustProxy } : {}),
  };
  const secret = opts.secret ?? crypto.randomBytes(32);
  const app = await buildApp({
    db: database.db,
    dialect,
    blobs,
    config,
    secret,
    readSnapshot: database.readSnapshot,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const tokens = new ApiTokenService(database.db, opts.clock);
  const suffix = crypto.randomBytes(4).toString("hex");
  const a = await createAccount(database, tokens, `Acme ${suffix}`);
  const b = await createAccount(database, tokens, `Globex ${suffix}`);
  const inject = (o: InjectOptions) => app.inject(o) as Promise<Response>;
  const client = (authorization: string | undefined): Client => {
    const auth: Record<string, string> = authorization === undefined ? {} : { authorization };
    const json = (
      method: "POST" | "PATCH",
      url: string,
      body: unknown,
      headers: Record<string, string> = {},
    ) =>
      inject({
        method,
        url,
        headers: {
          ...auth,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        ...(body === undefined ? {} : { payload: typeof body === "string" ? body : JSON.stringify(body) }),
      });
    return {
      get: (url, headers = {}) => inject({ method: "GET", url, headers: { ...auth, ...headers } }),
      post: (url, body, headers) => json("POST", url, body, headers),
      patch: (url, body, headers) => json("PATCH", url, body, headers),
      delete: (url, headers = {}) => inject({ method: "DELETE", url, headers: { ...auth, ...headers } }),
      upload: (url, parts) => {
        const { body, contentType } = multipartBody(parts);
        return inject({
          method: "POST",
          url,
          headers: { ...auth, "content-type": contentType },
          payload: body,
        });
      },
    };
  };
  return {
    app,
    database,
    blobs,
    blobDir,
    secret,
    a,
    b,
    tokens,
    as: (role, account = a) => client(`Bearer ${account.tokens[role]}`),
    anonymous: (authorization) => client(authorization),
    inject,
    close: async () => {
      await app.close();
      await database.drop();
      await fs.rm(blobDir, { recursive: true, force: true });
    },
  };
}

async function createAccount(
  database: TestDatabase,
  tokens: ApiTokenService,
  name: string,
): Promise<TestAccount> {
  const account = await new AccountRepository(database.db).create({ name });
  const out = { id: account.id, name, tokens: {}, tokenIds: {}, userIds: {} } as TestAccount;
  for (const role of ROLES) {
    const userId = await insertUser(database.db, {
      accountId: account.id,
      role,
      name: `${role} user`,
      email: `${role}@${account.id}.test`,
    });
    const { token, row } = await tokens.create(account.id, { name: `${role} token`, role, userId });
    out.tokens[role] = token;
    out.tokenIds[role] = row.id;
    out.userIds[role] = userId;
  }
  return out;
}

/** Encodes a multipart/form-data body (RFC 7578) by hand, so tests control every byte. */
export function multipartBody(parts: FormPart[]): { body: Buffer; contentType: string } {
  const boundary = `----hv${crypto.randomBytes(8).toString("hex")}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\n`;
    if ("content" in part) {
      const disposition =
        part.rawDisposition ?? `form-data; name="${part.name}"; filename="${part.filename}"`;
      head += `Content-Disposition: ${disposition}\r\n`;
      head += `Content-Type: ${part.contentType ?? "application/octet-stream"}\r\n\r\n`;
      chunks.push(Buffer.from(head, "utf8"), part.content, Buffer.from("\r\n"));
    } else {
      head += `Content-Disposition: form-data; name="${part.name}"\r\n\r\n`;
      chunks.push(Buffer.from(head + part.value, "utf8"), Buffer.from("\r\n"));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
