import crypto from "node:crypto";
import type { Kysely } from "kysely";
import type { DB, Row } from "../../src/db/schema/index.js";
import { uuidv7 } from "../../src/domain/ids.js";
import type { BlobStore } from "../../src/storage/blob-store.js";

/** What {@link insertFinishedExport} writes: a succeeded run with one stored artifact. */
export interface FinishedExport {
  accountId: string;
  now: Date;
  expiresAt: Date;
  bytes: Buffer;
  /** Where the file is stored, given the new run's id. */
  storageKey(runId: string): string;
  format?: string;
  part?: string;
  fileName?: string;
  contentType?: string;
  requestedById?: string | null;
  /** Columns of the run to override (revoked, expired…). */
  run?: Partial<Row<"export_runs">>;
}

/**
 * A succeeded export run of one artifact, its rows inserted directly and its bytes put in `blobs`
 * (without a content type: routes must take it from the row), for tests of links and downloads.
 */
export async function insertFinishedExport(
  db: Kysely<DB>,
  blobs: BlobStore,
  input: FinishedExport,
): Promise<{ runId: string; artifactId: string; storageKey: string }> {
  const now = input.now.toISOString();
  const runId = uuidv7();
  const artifactId = uuidv7();
  const storageKey = input.storageKey(runId);
  await db
    .insertInto("export_runs")
    .values({
      id: runId,
      account_id: input.accountId,
      format: input.format ?? "backup",
      state: "succeeded",
      trigger: "manual",
      period: null,
      active_key: null,
      requested_by_id: input.requestedById ?? null,
      attempts: 1,
      max_attempts: 3,
      run_at: now,
      lease_owner: null,
      lease_expires_at: null,
      progress_done: 1,
      progress_total: 1,
      snapshot_at: now,
      started_at: now,
      finished_at: now,
      expires_at: input.expiresAt.toISOString(),
      revoked_at: null,
      error: null,
      warnings: null,
      created_at: now,
      updated_at: now,
      ...input.run,
    })
    .execute();
  await db
    .insertInto("export_artifacts")
    .values({
      id: artifactId,
      account_id: input.accountId,
      export_run_id: runId,
      part: input.part ?? "backup",
      file_name: input.fileName ?? "export.zip",
      content_type: input.contentType ?? "application/zip",
      storage_key: storageKey,
      size_bytes: input.bytes.length,
      sha256: crypto.createHash("sha256").update(input.bytes).digest("hex"),
      created_at: now,
      updated_at: now,
    })
    .execute();
  await blobs.put(storageKey, input.bytes);
  return { runId, artifactId, storageKey };
}
