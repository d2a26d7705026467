import type { DB, Row } from "../db/schema/index.js";
import { uuidv7 } from "../domain/ids.js";
import { hash128, Rng } from "./rng.js";
import { RowBatch } from "./row-batch.js";

export const DAY_MS = 86_400_000;
/** Default span of {@link SeedContext.at}: follow-up events happen within two months. */
export const HORIZON_DAYS = 60;

/** Ids and facts of rows made earlier that later rows point at (kept small: O(jobs), not O(N)). */
export interface SeedRefs {
  users: { id: string; role: string; email: string; name: string }[];
  /** Users who act in the pipeline (owners, admins, recruiters). */
  actorIds: string[];
  recruiterIds: string[];
  sources: { id: string; source_type: string; name: string }[];
  tagIds: string[];
  /** Tag id per entry of `HOSTILE_TAGS`. */
  hostileTagIds: string[];
  customFields: Map<string, { id: string; key: string; type: string; options: string[] | null }[]>;
  companies: {
    id: string;
    name: string;
    createdMs: number;
    contactIds: string[];
    contactPersonIds: string[];
  }[];
  jobs: {
    id: string;
    companyId: string | null;
    state: string;
    createdMs: number;
    stageIds: string[];
    hostileIndex: number | null;
  }[];
  /** Jobs that take applications (not drafts). */
  openJobIndexes: number[];
  /** Job indexes of the hostile openings, in `HOSTILE_JOB_TITLES` order. */
  hostileJobIndexes: number[];
  templates: { id: string; subject: string }[];
  sequences: { id: string; stepIds: string[]; emailStepIds: string[] }[];
  /** Lists of persons / companies / jobs (not folders). */
  lists: { id: string; entity_type: "person" | "company" | "job" }[];
}

/** Everything the generators share: the random sources, the clock of the seed, the refs. */
export class SeedContext {
  /** Content: names, texts, choices. Seeded by `seed` only, so two accounts may share content. */
  readonly rng: Rng;
  /** Ids only. Seeded by `seed` and the account name, so two accounts never share an id. */
  readonly idRng: Rng;
  /** The seed's "now": every timestamp is at or before it. Derived from the seed, never the wall clock. */
  readonly nowMs: number;
  /** When the account was made: three years before `nowMs`. */
  readonly startMs: number;
  readonly batch = new RowBatch();
  readonly counts: Record<string, number> = {};
  readonly refs: SeedRefs = {
    users: [],
    actorIds: [],
    recruiterIds: [],
    sources: [],
    tagIds: [],
    hostileTagIds: [],
    customFields: new Map(),
    companies: [],
    jobs: [],
    openJobIndexes: [],
    hostileJobIndexes: [],
    templates: [],
    sequences: [],
    lists: [],
  };
  /** Documents made so far per entity type: the first of each type is always made. */
  readonly documentCounts = new Map<string, number>();
  accountId = "";
  /** Files made so far: seeds each file's padding bytes. */
  fileSeq = 0;
  #idSeq = 0;

  constructor(
    readonly seed: string,
    accountName: string,
    readonly padBytes: number,
  ) {
    this.rng = new Rng(`content\u241f${seed}`);
    this.idRng = new Rng(`ids\u241f${seed}\u241f${accountName}`);
    // A "now" between 2025-01-01 and 2026-12-31, fixed by the seed.
    const days = hash128(`now\u241f${seed}`)[0] % 730;
    this.nowMs = Date.UTC(2025, 0, 1) + days * DAY_MS + (hash128(`ms\u241f${seed}`)[0] % DAY_MS);
    this.startMs = this.nowMs - 3 * 365 * DAY_MS;
  }

  /** The next id: UUIDv7 with the seed's base time plus a counter, random bits from `idRng`. */
  id(): string {
    return uuidv7(this.startMs + this.#idSeq++, this.idRng.bytes);
  }

  /** ISO 8601 of an instant in milliseconds. */
  iso(ms: number): string {
    return new Date(ms).toISOString();
  }

  /**
   * A random instant (ms) in [fromMs, toMs], never after now. By default within
   * {@link HORIZON_DAYS} of `fromMs`: things happen soon after what they hang off, which is
   * realistic and keeps the time indexes (`updated_at`, `at`) filled near their end, so inserts
   * touch few pages and stay fast at 100,000 candidates.
   */
  at(fromMs: number, toMs: number = fromMs + HORIZON_DAYS * DAY_MS): number {
    return this.rng.msBetween(fromMs, Math.min(toMs, this.nowMs));
  }

  /** `created_at` at `createdMs`; `updated_at` equal to it or a little later (never after now). */
  stamps(createdMs: number): { created_at: string; updated_at: string } {
    const updated = this.rng.chance(0.6) ? createdMs : this.at(createdMs, createdMs + 30 * DAY_MS);
    return { created_at: this.iso(createdMs), updated_at: this.iso(updated) };
  }

  /** Adds a row to the current batch (flushed per phase / per candidate batch). */
  add<T extends keyof DB>(table: T, row: Row<T>): void {
    this.batch.add(table, row);
  }
}
