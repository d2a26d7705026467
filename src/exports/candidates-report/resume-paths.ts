/**
 * Names of the CVs inside the backup zip (docs/EXPORTS.md#the-monthly-backup,
 * docs/EXPORTS.md#zip-entry-names): `Resumes/<Job opening>/<Stage>/<file>` per application,
 * `Resumes/others/<file>` for a person without application. Every level is one {@link safeSegment};
 * names are unique per folder after NFC + case folding and stable run to run, because the order of
 * allocation is fixed: openings by job id, stages by position then id, files by candidate (person
 * id, then application id).
 */
import { compareIds } from "../compare-ids.js";
import { FolderNames } from "../files/folder-names.js";
import { MAX_ENTRY_PATH_BYTES, safeSegment, UniqueNames } from "../zip/safe-entry-name.js";

/** Top folder of the CVs. */
export const RESUMES_DIR = "Resumes";
/** Folder of the CVs of persons without application (reserved before any opening is named). */
export const OTHERS_DIR = "others";

/*
 * A whole entry name is kept within MAX_ENTRY_PATH_BYTES (200, for Windows extraction; see
 * safe-entry-name.ts): opening ≤ 80 bytes, stage ≤ 60 bytes, and the file gets what is left (≥ 50).
 */
/** Byte budget of an opening folder name. */
export const OPENING_MAX_BYTES = 80;
/** Byte budget of a stage folder name. */
export const STAGE_MAX_BYTES = 60;

/** What the allocator needs of a job. */
export interface PathJob {
  id: string;
  title: string;
}

/** What the allocator needs of a pipeline stage. */
export interface PathStage {
  id: string;
  job_id: string;
  name: string;
  position: number;
}

/** Short, distinctive id suffix for fallbacks: the random tail of a UUIDv7 (its head is a time). */
function shortId(id: string): string {
  return id.replace(/-/g, "").slice(-8);
}

/**
 * Allocates CV entry names for one export. Openings and stages are named up front (a few
 * thousand at most); file names as CVs come, in candidate order. Memory for files is one
 * 48-bit hash per placed CV (see {@link FolderNames}), not the names themselves.
 */
export class ResumePathAllocator {
  private readonly openings = new Map<string, string>();
  private readonly stages = new Map<string, string>();
  private readonly files = new FolderNames();

  /**
   * @param jobs every job of the account, in any order (sorted here by id).
   * @param stages every pipeline stage of the account, in any order (by position, then id).
   */
  constructor(jobs: readonly PathJob[], stages: readonly PathStage[]) {
    const openingNames = new UniqueNames({ maxBytes: OPENING_MAX_BYTES });
    openingNames.take(OTHERS_DIR); // a job titled "others" becomes "others (2)"
    for (const job of [...jobs].sort((a, b) => compareIds(a.id, b.id))) {
      const fallback = `Untitled job opening (${shortId(job.id)})`;
      const name = safeSegment(job.title, { fallback, maxBytes: OPENING_MAX_BYTES });
      this.openings.set(job.id, openingNames.take(name));
    }
    const perJob = new Map<string, UniqueNames>();
    const ordered = [...stages].sort((a, b) => a.position - b.position || compareIds(a.id, b.id));
    for (const stage of ordered) {
      const names = perJob.get(stage.job_id) ?? new UniqueNames({ maxBytes: STAGE_MAX_BYTES });
      perJob.set(stage.job_id, names);
      const fallback = `Untitled stage (${shortId(stage.id)})`;
      this.stages.set(stage.id, names.take(safeSegment(stage.name, { fallback, maxBytes: STAGE_MAX_BYTES })));
    }
  }

  /** The opening folder of a job (`Resumes/<this>/…`). */
  openingFolder(jobId: string): string {
    return this.openings.get(jobId) ?? `Unknown job opening (${shortId(jobId)})`;
  }

  /** The stage folder of a stage within its opening. */
  stageFolder(stageId: string): string {
    return this.stages.get(stageId) ?? `Unknown stage (${shortId(stageId)})`;
  }

  /** Entry name of a CV for the application of `jobId` currently in `stageId`. */
  forApplication(jobId: string, stageId: string, fileName: string): string {
    const folder = `${RESUMES_DIR}/${this.openingFolder(jobId)}/${this.stageFolder(stageId)}`;
    return this.place(folder, fileName);
  }

  /** Entry name of a CV of a person without application (`Resumes/others/<file>`). */
  forPersonWithoutApplication(fileName: string): string {
    return this.place(`${RESUMES_DIR}/${OTHERS_DIR}`, fileName);
  }

  private place(folder: string, fileName: string): string {
    const budget = MAX_ENTRY_PATH_BYTES - Buffer.byteLength(folder, "utf8") - 1;
    const name = safeSegment(fileName, { fallback: "resume", maxBytes: budget });
    return `${folder}/${this.files.take(folder, name, budget)}`;
  }
}
