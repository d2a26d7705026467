import type { Readable } from "node:stream";
import type { Kysely } from "kysely";
import type { DB, EXPORT_FORMATS } from "../db/schema/index.js";
import type { Logger } from "../logger.js";
import type { BlobStore } from "../storage/blob-store.js";

/** A format id: the same string in the API, the CLI, `export_runs.format` and the registry. */
export type ExportFormatId = (typeof EXPORT_FORMATS)[number];

/**
 * A file that could not be put in the export, and why (docs/EXPORTS.md#integrity: listed, never
 * silently dropped).
 */
export interface ExportWarning {
  /** What the file is, e.g. `attachment`. */
  entity: string;
  id: string;
  /** The name it would have had in the archive. */
  path: string;
  reason: string;
}

/** One file an export publishes (`export_artifacts.part`: backup, report, data, master…). */
export interface ArtifactSpec {
  part: string;
  /** Download file name shown to the user (`Content-Disposition`). */
  fileName: string;
  contentType: string;
}

/** What {@link ExportContext.saveArtifact} stored. */
export interface SavedArtifact extends ArtifactSpec {
  /** The `export_artifacts.id` it is published under (known now, so links can name it). */
  id: string;
  storageKey: string;
  sizeBytes: number;
  sha256: string;
}

/**
 * Everything a format may use while it runs. The format never writes to the database: the run
 * that owns it publishes the saved artifacts in one transaction once `write` resolves, so a
 * crash or failure mid-export publishes nothing.
 */
export interface ExportContext {
  readonly runId: string;
  readonly accountId: string;
  readonly accountName: string;
  /** IANA time zone of the account (dates in file names, sheets show UTC ISO instants). */
  readonly timeZone: string;
  /** Bound to the run's read snapshot: every query of the export goes through it, in turn. */
  readonly db: Kysely<DB>;
  /** The instant of the data (the snapshot's start): file names and zip entry times use it. */
  readonly snapshotAt: Date;
  readonly blobs: BlobStore;
  /** A private, empty directory for this attempt; removed after it, whatever happens. */
  readonly tmpDir: string;
  /** Aborted when the worker stops or loses its lease: stop promptly and reject. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Reports progress in the format's own unit (rows, files); cheap to call per row. */
  progress(done: number, total: number): void;
  /** Records a file that could not be included (missing CV…); the export goes on. */
  warn(warning: ExportWarning): void;
  /**
   * Streams `body` to blob storage under this attempt's key, hashing and counting it on the way.
   * Nothing is buffered whole. Rejects (and leaves nothing) if `body` errors.
   */
  saveArtifact(spec: ArtifactSpec, body: Readable): Promise<SavedArtifact>;
  /**
   * A signed download link to a saved artifact, for the run's recipient (its requester, else the
   * account's first owner), or null when no owner or admin can receive links. The first call fixes
   * the expiry of every link of the run (7 days from then, docs/EXPORTS.md#the-full-data-export)
   * and the run's `expires_at` becomes that instant, so the links written into a file and the run
   * agree to the second.
   */
  linkFor(artifact: SavedArtifact): Promise<ArtifactLink | null>;
}

/** A link written into an export file (the master CSV). */
export interface ArtifactLink {
  url: string;
  expiresAt: Date;
}

/** One export format behind the registry (Outline's export tasks; adding one = a folder + a line). */
export interface ExportFormat {
  readonly id: ExportFormatId;
  /** Human label for lists and emails. */
  readonly label: string;
  /**
   * The part whose link is emailed to the requester when the run succeeds (full export: the
   * master CSV, docs/EXPORTS.md#the-full-data-export); formats without it send no email.
   */
  readonly mailPart?: string;
  /** Writes the format's artifacts through `ctx.saveArtifact`. */
  write(ctx: ExportContext): Promise<void>;
}
