/**
 * The pass over persons: one keyset walk writes `Candidates.csv` (temp file), the Internal CVs
 * zip (streamed to storage as it is written) and the CV rows of `Attachments.csv` (temp file).
 * A person's row is written after their CVs, so it names the paths that are really in the zip.
 */

import { batchesAhead } from "../../batches-ahead.js";
import type { CsvFileWriter } from "../../csv/csv-writer.js";
import type { ExportContext, SavedArtifact } from "../../export-format.js";
import { copyFiles } from "../../files/copy-files.js";
import type { MissingFiles } from "../../files/missing-files.js";
import type { StoredFile } from "../../files/stored-file.js";
import { writeZipArtifact } from "../../zip-artifact.js";
import { attachmentRow, INCLUDED } from "./attachment-rows.js";
import {
  type CandidateBatch,
  type CvRecord,
  loadCandidateBatch,
  type PersonRecord,
} from "./candidate-batch.js";
import { type CandidateLookups, candidateRow } from "./candidate-columns.js";
import { EntryPaths, recordFolder } from "./entry-paths.js";

/** Persons per batch: ~10 queries per 500 persons. */
const BATCH_SIZE = 500;
/** How the Internal CVs zip is named in `Attachments.csv` and the master CSV. */
export const CVS_ZIP_LABEL = "Internal CVs";

type Item =
  | { cv: CvRecord; resume: StoredFile; owner: string }
  | { person: PersonRecord; batch: CandidateBatch };

/** Where the pass writes, besides the zip. */
export interface CandidatesPassSinks {
  candidates: CsvFileWriter;
  attachments: CsvFileWriter;
  missing: MissingFiles;
  /** Called after each person. */
  onPerson(): void;
}

/** Runs the pass; resolves with the saved Internal CVs zip and how many CVs it holds. */
export async function writeCandidatesPass(
  ctx: ExportContext,
  spec: { fileName: string },
  lookups: CandidateLookups,
  sinks: CandidatesPassSinks,
): Promise<{ artifact: SavedArtifact; files: number }> {
  let files = 0;
  const artifact = await writeZipArtifact(
    ctx,
    { part: "cvs", fileName: spec.fileName, contentType: "application/zip" },
    async (zip) => {
      const copied = copyFiles(ctx, zip, items(ctx), {
        fileOf: (item) => ("cv" in item ? item.resume : null),
        missing: { list: sinks.missing, part: "cvs" },
      });
      let cvFiles: string[] = [];
      for await (const { item, skipped: missing } of copied) {
        if ("person" in item) {
          await sinks.candidates.write(candidateRow(item.person, item.batch, lookups, cvFiles));
          cvFiles = [];
          sinks.onPerson();
          continue;
        }
        if (missing === null) files++;
        cvFiles.push(missing === null ? item.resume.path : `[${missing}] ${item.cv.file_name}`);
        await sinks.attachments.write(
          attachmentRow(
            item.cv,
            {
              recordName: item.owner,
              zipLabel: CVS_ZIP_LABEL,
              path: missing === null ? item.resume.path : null,
              status: missing === null ? INCLUDED : `missing: ${missing}`,
            },
            lookups.users,
          ),
        );
      }
    },
  );
  return { artifact, files };
}

/** Each person's CVs (in upload order), then the person; one batch read ahead (batches-ahead.ts). */
async function* items(ctx: ExportContext): AsyncGenerator<Item> {
  const paths = new EntryPaths();
  const load = async (after: string | null) => {
    ctx.signal.throwIfAborted();
    return loadCandidateBatch(ctx.db, ctx.accountId, after, BATCH_SIZE);
  };
  const last = (b: CandidateBatch) =>
    b.persons.length === BATCH_SIZE ? b.persons[b.persons.length - 1]!.id : null;
  for await (const batch of batchesAhead(load, last)) yield* batchItems(batch, paths);
}

function* batchItems(batch: CandidateBatch, paths: EntryPaths): Generator<Item> {
  for (const person of batch.persons) {
    const owner = `${person.first_name} ${person.last_name}`.trim();
    const folder = recordFolder(owner, person.id);
    for (const cv of batch.cvs.get(person.id) ?? []) {
      const resume: StoredFile = {
        attachmentId: cv.id,
        storageKey: cv.storage_key,
        fileName: cv.file_name,
        sizeBytes: Number(cv.size_bytes),
        path: paths.place(folder, cv.file_name),
      };
      yield { cv, resume, owner };
    }
    yield { person, batch };
  }
}
