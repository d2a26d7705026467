import type { Readable } from "node:stream";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema/index.js";
import type { Clock } from "../domain/clock.js";
import { newId } from "../domain/ids.js";
import { meterStream } from "../exports/artifact-meter.js";
import type {
  ArtifactLink,
  ArtifactSpec,
  ExportContext,
  ExportWarning,
  SavedArtifact,
} from "../exports/export-format.js";
import { DAY_MS, LINK_DAYS } from "../exports/retention.js";
import type { Logger } from "../logger.js";
import type { ExportRun } from "../repositories/export-run.repository.js";
import { UserRepository } from "../repositories/user.repository.js";
import type { DownloadLinkService } from "../services/download-link.service.js";
import type { BlobStore } from "../storage/blob-store.js";
import { attemptPrefix } from "./export-keys.js";

/** What one attempt of a run hands its format: the run, its snapshot, where to write. */
export interface AttemptInput {
  run: ExportRun;
  /** Bound to the run's read snapshot. */
  db: Kysely<DB>;
  snapshotAt: Date;
  account: { name: string; time_zone: string };
  tmpDir: string;
  signal: AbortSignal;
  logger: Logger;
  blobs: BlobStore;
  clock: Clock;
  /** Signs the links formats write into files; without it they write none. */
  links: DownloadLinkService | undefined;
}

/** What the attempt collects from its format, for the run to publish. */
export interface AttemptSinks {
  progress(done: number, total: number): void;
  warn(warning: ExportWarning): void;
  /** Every artifact saved, in order. */
  saved: SavedArtifact[];
  links: LinkState;
}

/** The expiry fixed by the first link a format wrote (null: it wrote none). */
export interface LinkState {
  expiresAt: Date | null;
}

/**
 * The context a format writes through: `saveArtifact` streams a file under this attempt's key
 * and records it in `sinks.saved`; `linkFor` signs a link for the run's recipient, the first
 * call fixing the expiry of every link of the run in `sinks.links`.
 */
export function createExportContext(input: AttemptInput, sinks: AttemptSinks): ExportContext {
  const { run, db, blobs, signal } = input;
  let recipient: Promise<string | null> | undefined;
  return {
    runId: run.id,
    accountId: run.account_id,
    accountName: input.account.name,
    timeZone: input.account.time_zone,
    db,
    snapshotAt: input.snapshotAt,
    blobs,
    tmpDir: input.tmpDir,
    signal,
    logger: input.logger,
    progress: sinks.progress,
    warn: sinks.warn,
    saveArtifact: async (spec: ArtifactSpec, body: Readable) => {
      const storageKey = `${attemptPrefix(run, run.attempts)}${spec.part}`;
      const meter = meterStream(body);
      await blobs.put(storageKey, meter.stream, { contentType: spec.contentType, signal });
      const artifact = { id: newId(), ...spec, storageKey, ...meter.result() };
      sinks.saved.push(artifact);
      return artifact;
    },
    linkFor: async (artifact: SavedArtifact): Promise<ArtifactLink | null> => {
      const links = input.links;
      if (!links) return null;
      recipient ??= linkRecipient(db, run);
      const userId = await recipient;
      if (!userId) return null;
      sinks.links.expiresAt ??= new Date(
        Math.floor((input.clock.now().getTime() + LINK_DAYS * DAY_MS) / 1000) * 1000,
      );
      const link = links.mint({
        accountId: run.account_id,
        exportRunId: run.id,
        artifactId: artifact.id,
        userId,
        expiresAt: sinks.links.expiresAt,
      });
      return { url: link.url, expiresAt: link.expiresAt };
    },
  };
}

/**
 * Who the links written into a run's files are signed for: the owner or admin who requested it,
 * else (CLI and scheduled runs) the account's earliest active owner, else its earliest admin.
 * Downloads re-check that this person may still export (docs/EXPORTS.md#links-and-downloads).
 */
async function linkRecipient(db: Kysely<DB>, run: ExportRun): Promise<string | null> {
  const users = await new UserRepository(db).activeExporters(run.account_id);
  const requester = users.find((u) => u.id === run.requested_by_id);
  return (requester ?? users.find((u) => u.role === "owner") ?? users[0])?.id ?? null;
}
