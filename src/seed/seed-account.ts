import type { Kysely } from "kysely";
import { growWriteCache } from "../db/dialect.js";
import type { DB } from "../db/schema/index.js";
import { FixedClock } from "../domain/clock.js";
import { ValidationError } from "../domain/errors.js";
import { AccountRepository } from "../repositories/account.repository.js";
import type { BlobStore } from "../storage/blob-store.js";
import { SeedContext } from "./context.js";
import { generateCandidate } from "./generators/candidates.js";
import { generateClients } from "./generators/clients.js";
import { audit } from "./generators/common.js";
import { generateDeals } from "./generators/deals.js";
import { generateJobs } from "./generators/jobs.js";
import {
  generateInvoices,
  generateOutreach,
  generateReference,
  generateUsers,
} from "./generators/reference.js";

/** Options of {@link seedAccount}. */
export interface SeedAccountOptions {
  db: Kysely<DB>;
  blobs: BlobStore;
  /** Name of the new account; seeding fails if an account of that name exists. */
  accountName: string;
  /** Number of candidates (persons who are not client contacts). */
  candidates: number;
  /** Seed of the random content; defaults to the account name. */
  seed?: string;
  /** IANA time zone of the account; defaults to UTC. */
  timeZone?: string;
  /** Share of candidates with a CV, 0–1; default 0.6. */
  cvRatio?: number;
  /** Incompressible bytes added to every generated file (benchmarks); default 0. */
  padBytes?: number;
  /** Called after each batch of candidates is stored. */
  onProgress?: (done: number, total: number) => void;
  /** Candidates per transaction; default {@link CANDIDATE_BATCH}. */
  batchSize?: number;
}

/** What {@link seedAccount} made. */
export interface SeedAccountResult {
  accountId: string;
  /** Rows inserted per table (tables with no rows are absent). */
  counts: Record<string, number>;
}

/**
 * Candidates generated and stored per transaction. Each carries ~20 child rows, so a batch is
 * about 10,000 rows: big enough to amortise the commit, small enough to keep memory flat.
 */
export const CANDIDATE_BATCH = 500;

/**
 * Creates an account and fills every table of account data with realistic, deterministic data
 * (README.md#command-line `seed`), including the hostile values of `hostile.ts` and real CV files
 * in blob storage.
 *
 * Deterministic: the same account name and seed give identical rows, ids and file bytes; a different
 * account name with the same seed gives the same content under different ids. Time comes from the
 * seed, never from the wall clock.
 *
 * Scales: reference data (users, companies, jobs, deals…) grows with N/50 and is kept as ids only;
 * candidates are generated and inserted in batches with all their child rows, files are written at
 * most eight at a time, so memory stays flat whatever N is. If seeding fails half-way, the account
 * and the batches stored so far remain (the error says which account).
 */
export async function seedAccount(opts: SeedAccountOptions): Promise<SeedAccountResult> {
  const accountName = opts.accountName.trim();
  const candidates = opts.candidates;
  const cvRatio = opts.cvRatio ?? 0.6;
  const padBytes = opts.padBytes ?? 0;
  const batchSize = opts.batchSize ?? CANDIDATE_BATCH;
  if (!accountName) throw ValidationError.field("account", "must not be empty");
  if (!Number.isSafeInteger(candidates) || candidates < 0)
    throw ValidationError.field("candidates", "must be a whole number ≥ 0");
  if (!(cvRatio >= 0 && cvRatio <= 1)) throw ValidationError.field("cv_ratio", "must be between 0 and 1");
  if (!Number.isSafeInteger(padBytes) || padBytes < 0)
    throw ValidationError.field("pad_bytes", "must be a whole number ≥ 0");
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw ValidationError.field("batch_size", "must be a whole number ≥ 1");

  const { db, blobs } = opts;
  const ctx = new SeedContext(opts.seed ?? accountName, accountName, padBytes);
  const accounts = new AccountRepository(db, new FixedClock(new Date(ctx.startMs)));
  ctx.accountId = ctx.id();
  await accounts.create({ name: accountName, timeZone: opts.timeZone ?? "UTC", id: ctx.accountId });
  ctx.counts.accounts = 1;

  const flush = () => ctx.batch.flush(db, blobs, ctx.counts);
  const restoreCache = await growWriteCache(db);
  try {
    generateUsers(ctx);
    audit(ctx, "account.created", null, ctx.startMs, { name: [null, accountName] }, null);
    generateInvoices(ctx);
    generateReference(ctx);
    generateOutreach(ctx, candidates);
    await flush();
    generateClients(ctx, candidates);
    await flush();
    generateJobs(ctx, candidates);
    await flush();
    generateDeals(ctx, candidates);
    await flush();

    for (let start = 0; start < candidates; start += batchSize) {
      const end = Math.min(candidates, start + batchSize);
      for (let k = start; k < end; k++) generateCandidate(ctx, k, { cvRatio, total: candidates });
      await flush();
      opts.onProgress?.(end, candidates);
    }
  } catch (err) {
    throw new Error(
      `seeding account "${accountName}" (${ctx.accountId}) failed; the account is partly filled: ${(err as Error).message}`,
      { cause: err },
    );
  } finally {
    await restoreCache();
  }
  return { accountId: ctx.accountId, counts: { ...ctx.counts } };
}
