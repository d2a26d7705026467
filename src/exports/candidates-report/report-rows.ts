/**
 * Rows of the Candidates Excel Report (docs/EXPORTS.md#the-candidates-excel-report): one per
 * application, ordered by person id then application id; a person without application gets one row
 * with empty opening columns. Persons are read in keyset batches, each with its child rows
 * (report-batch.ts), so memory is bounded whatever the account size. One batch is read ahead
 * (batches-ahead.ts): the caller may stream files between rows; a query of its own would queue
 * behind the read-ahead.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema/index.js";
import { batchesAhead } from "../batches-ahead.js";
import type { StoredFile } from "../files/stored-file.js";
import type { CellValue } from "../xlsx/cell-value.js";
import { customFieldCell, yesNo } from "./columns.js";
import { type CvRow, loadPersonBatch, type PersonBatch, type PersonRow } from "./report-batch.js";
import { loadReportLookups, type ReportLookups } from "./report-lookups.js";

/** One report row: its cells in column order, and the CV it points to. */
export interface CandidateReportRow {
  cells: CellValue[];
  /** The CV placed for the row: the person's latest internal CV at its entry name in the backup. */
  resume: StoredFile | null;
}

/** Options of {@link candidateReportRows}. */
export interface ReportRowsOptions {
  /** Lookups loaded beforehand (to build the columns first); loaded here when absent. */
  lookups?: ReportLookups;
  /** Persons per batch (default {@link REPORT_BATCH_SIZE}). */
  batchSize?: number;
  /** Checked before every batch; throws the abort reason. */
  signal?: AbortSignal;
}

/**
 * Default persons per batch: 7 queries per batch, a few MB of rows in memory. Measured on a
 * 10,000-candidate PostgreSQL account: the queries took ~650 ms in batches of 500 and ~350 ms in
 * batches of 2,000 (each query's round trip and per-batch scan cost is paid less often), but
 * 2,000 raised the backup's peak heap by ~20 MB; 1,000 is the compromise.
 */
export const REPORT_BATCH_SIZE = 1000;

/** Yields the report's rows (see the module comment). Deterministic for the same data. */
export async function* candidateReportRows(
  db: Kysely<DB>,
  accountId: string,
  opts: ReportRowsOptions = {},
): AsyncGenerator<CandidateReportRow> {
  const lookups = opts.lookups ?? (await loadReportLookups(db, accountId));
  const batchSize = opts.batchSize ?? REPORT_BATCH_SIZE;
  const load = async (after: string | null) => {
    opts.signal?.throwIfAborted();
    return loadPersonBatch(db, accountId, after, batchSize);
  };
  const last = (b: PersonBatch) =>
    b.persons.length === batchSize ? b.persons[b.persons.length - 1]!.id : null;
  for await (const batch of batchesAhead(load, last))
    for (const person of batch.persons) yield* personRows(person, batch, lookups);
}

function* personRows(
  person: PersonRow,
  batch: PersonBatch,
  lk: ReportLookups,
): Generator<CandidateReportRow> {
  const cv = batch.cvs.get(person.id);
  const common = {
    id: person.id,
    name: [person.first_name, person.last_name].filter((s) => s !== "").join(" "),
    email: batch.emails.get(person.id) ?? null,
    phone: batch.phones.get(person.id) ?? null,
    sourceType: person.source_type,
    source: person.source_id === null ? null : (lk.sources.get(person.source_id) ?? null),
    referrer: person.referrer,
  };
  const tags = (batch.tags.get(person.id) ?? []).join(", ");
  const values = batch.values.get(person.id);
  const custom = lk.definitions.map((d) => customFieldCell(d.type, values?.get(d.id)));
  const apps = batch.applications.get(person.id) ?? [];
  if (apps.length === 0) {
    const resume = cv ? toResume(cv, lk.paths.forPersonWithoutApplication(cv.file_name)) : null;
    const owner = person.owner_id === null ? null : (lk.users.get(person.owner_id) ?? null);
    yield {
      cells: [
        ...[common.id, common.name, common.email, common.phone, common.sourceType, common.source],
        ...[common.referrer, yesNo(false), null, null, null, null, null, owner],
        ...[new Date(person.created_at), new Date(person.updated_at), resume?.path ?? null, tags],
        ...custom,
      ],
      resume,
    };
    return;
  }
  for (const app of apps) {
    const resume = cv ? toResume(cv, lk.paths.forApplication(app.job_id, app.stage_id, cv.file_name)) : null;
    const assigned = app.assigned_to_id === null ? null : (lk.users.get(app.assigned_to_id) ?? null);
    // Last Updated: the later of the person's and the application's updated_at.
    const updated = Math.max(Date.parse(app.updated_at), Date.parse(person.updated_at));
    yield {
      cells: [
        ...[common.id, common.name, common.email, common.phone, common.sourceType, common.source],
        ...[common.referrer, yesNo(app.archived), app.job_id, lk.jobs.get(app.job_id) ?? null],
        ...[lk.stages.get(app.stage_id) ?? null, app.status, app.decision_reason, assigned],
        ...[new Date(app.created_at), new Date(updated), resume?.path ?? null, tags],
        ...custom,
      ],
      resume,
    };
  }
}

function toResume(cv: CvRow, path: string): StoredFile {
  return {
    attachmentId: cv.id,
    storageKey: cv.storage_key,
    fileName: cv.file_name,
    sizeBytes: Number(cv.size_bytes),
    path,
  };
}

/** Number of rows {@link candidateReportRows} yields (applications + persons without one). */
export async function countCandidateReportRows(db: Kysely<DB>, accountId: string): Promise<number> {
  const apps = await db
    .selectFrom("applications")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("account_id", "=", accountId)
    .executeTakeFirstOrThrow();
  const alone = await db
    .selectFrom("persons")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("persons.account_id", "=", accountId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("applications")
            .select("applications.id")
            .whereRef("applications.person_id", "=", "persons.id")
            .where("applications.account_id", "=", accountId),
        ),
      ),
    )
    .executeTakeFirstOrThrow();
  return Number(apps.n) + Number(alone.n);
}
