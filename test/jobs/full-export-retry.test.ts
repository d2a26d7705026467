/**
 * The full export under the job runner when storage fails mid-export (docs/EXPORTS.md#export-runs):
 * a CV stream dying half-way fails the attempt — nothing is published, the attempt's files are
 * deleted — and the retry publishes all four files. Real database, real local blob store, the real
 * full format; the failure is injected around the store.
 */
import fs from "node:fs/promises";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fullFormat } from "../../src/exports/formats/full/index.js";
import { runPrefix } from "../../src/jobs/export-keys.js";
import { ExportRunRepository } from "../../src/repositories/export-run.repository.js";
import { seedAccount } from "../../src/seed/seed-account.js";
import { failingStore } from "../exports/formats/helpers.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../support/dialects.js";
import { allKeys, type RunnerHarness, runnerHarness } from "./helpers.js";

describe.each(DIALECTS)("full export retried after a storage failure (%s)", (dialect) => {
  let database: TestDatabase;
  let h: RunnerHarness;
  let accountId: string;
  const never = new AbortController().signal;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    h = await runnerHarness(database);
    const seeded = await seedAccount({
      db: database.db,
      blobs: h.blobs,
      accountName: "Acme",
      candidates: 15,
    });
    accountId = seeded.accountId;
  }, 120_000);
  afterAll(async () => {
    await h?.cleanup();
    await database?.drop();
  });

  it("a CV stream dying mid-zip publishes nothing and leaves no file; the retry publishes all four", async () => {
    const runs = new ExportRunRepository(database.db);
    const created = await runs.createOrGetActive(
      { accountId, format: "full", trigger: "manual", requestedById: null, maxAttempts: 5 },
      h.clock.now(),
    );
    const run = created!.run;
    let reads = 0;
    const dying = failingStore(h.blobs, () => {
      if (++reads !== 3) return null;
      const stream = new Readable({ read() {} });
      stream.push(Buffer.alloc(100));
      setImmediate(() => stream.destroy(Object.assign(new Error("ECONNRESET"), { code: "ECONNRESET" })));
      return Promise.resolve(stream);
    });
    expect(await h.runner("w1", fullFormat, { blobs: dying }).runNext(never)).toBe(true);
    const failed = (await runs.get(accountId, run.id))!;
    expect(failed).toMatchObject({ state: "queued", attempts: 1 });
    expect(failed.error).toMatch(/ECONNRESET/);
    expect(await runs.artifacts(accountId, [run.id])).toEqual([]);
    const prefix = runPrefix(failed);
    expect((await allKeys(h.blobs)).filter((k) => k.startsWith(prefix))).toEqual([]);

    h.clock.advance(60 * 60_000); // past the retry's backoff
    expect(await h.runner("w2", fullFormat).runNext(never)).toBe(true);
    const done = (await runs.get(accountId, run.id))!;
    expect(done).toMatchObject({ state: "succeeded", attempts: 2, error: null });
    const artifacts = await runs.artifacts(accountId, [run.id]);
    expect(artifacts.map((a) => a.part).sort()).toEqual(["attachments", "cvs", "data", "master"]);
    expect((await allKeys(h.blobs)).filter((k) => k.startsWith(prefix))).toEqual(
      artifacts.map((a) => a.storage_key).sort(),
    );
    for (const a of artifacts) expect(a.storage_key.startsWith(`${prefix}2/`)).toBe(true);
    expect(await fs.readdir(h.tmpRoot)).toEqual([]);
  });
});
