import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import pino from "pino";
import { FixedClock } from "../../src/domain/clock.js";
import type { ExportContext, ExportFormat } from "../../src/exports/export-format.js";
import { ExportRunner } from "../../src/jobs/export-runner.js";
import type { BlobStore } from "../../src/storage/blob-store.js";
import { LocalBlobStore } from "../../src/storage/local-blob-store.js";
import type { TestDatabase } from "../support/dialects.js";

export const silent = pino({ level: "silent" });

/** An admin acting without a user (the system), for services that check the export role. */
export const ADMIN = { type: "system", id: null, role: "admin" } as const;

/**
 * A format for queue tests (real DB, real blob store): writes one small artifact naming the
 * persons it read, and can be told to fail, or to wait on a gate (a worker "stuck" mid-export).
 */
export class ProbeFormat implements ExportFormat {
  readonly id = "backup" as const;
  readonly label = "probe";
  calls = 0;
  failures: Error[] = [];
  gate: Promise<void> | undefined;
  entered: (() => void) | undefined;

  async write(ctx: ExportContext): Promise<void> {
    this.calls++;
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.entered?.();
    if (this.gate) {
      await Promise.race([
        this.gate,
        new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))),
      ]);
    }
    const persons = await ctx.db
      .selectFrom("persons")
      .select("id")
      .where("account_id", "=", ctx.accountId)
      .execute();
    ctx.progress(persons.length, persons.length);
    await ctx.saveArtifact(
      { part: "backup", fileName: "probe.txt", contentType: "text/plain" },
      Readable.from([`persons:${persons.length}\n`]),
    );
  }
}

export interface RunnerHarness {
  clock: FixedClock;
  blobs: BlobStore;
  blobDir: string;
  tmpRoot: string;
  runner(owner: string, format: ExportFormat, opts?: { leaseMs?: number; blobs?: BlobStore }): ExportRunner;
  cleanup(): Promise<void>;
}

export async function runnerHarness(
  database: TestDatabase,
  start = new Date("2026-11-24T10:00:00Z"),
): Promise<RunnerHarness> {
  const blobDir = await fs.mkdtemp(path.join(os.tmpdir(), "hv-jobs-blobs-"));
  const tmpRoot = await fs.mkdtemp(path.join(os.tmpdir(), "hv-jobs-tmp-"));
  const blobs = new LocalBlobStore(blobDir);
  const clock = new FixedClock(start);
  return {
    clock,
    blobs,
    blobDir,
    tmpRoot,
    runner: (owner, format, opts = {}) =>
      new ExportRunner({
        database,
        blobs: opts.blobs ?? blobs,
        clock,
        logger: silent,
        tmpRoot,
        owner,
        leaseMs: opts.leaseMs ?? 60_000,
        heartbeatMs: 60_000,
        formats: () => format,
      }),
    cleanup: async () => {
      await fs.rm(blobDir, { recursive: true, force: true });
      await fs.rm(tmpRoot, { recursive: true, force: true });
    },
  };
}

/** Every blob key under the store, sorted. */
export async function allKeys(blobs: BlobStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const b of blobs.list("")) keys.push(b.key);
  return keys.sort();
}
