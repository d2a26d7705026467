/**
 * Columns and rows of `Candidates.csv` (docs/EXPORTS.md#the-full-data-export): one row per person,
 * contact points and links joined with "; " (primary first), work history and education as short
 * readable lines, the paths of the person's CVs inside the Internal CVs zip, then one column per
 * person custom field (labelled and formatted like the other tables' custom fields, see
 * tables/custom-fields.ts).
 */
import type { CsvValue } from "../../csv/csv-dialect.js";
import type { CandidateBatch, EducationRecord, PersonRecord, WorkRecord } from "./candidate-batch.js";
import { type FieldDefinition, fieldCell, STAMP_HEADER, uniqueHeaders } from "./tables/custom-fields.js";

export const CANDIDATE_BASE_HEADER = [
  "Candidate ID",
  "First Name",
  "Last Name",
  "Headline",
  "Location",
  "Primary Email",
  "Other Emails",
  "Primary Phone",
  "Other Phones",
  "Links",
  "Source Type",
  "Source ID",
  "Source",
  "Referrer",
  "Owner ID",
  "Owner",
  "Tags",
  "Current Title",
  "Current Company",
  "Work History",
  "Education",
  "Internal CV Files",
];

/** Small per-account lookups, loaded once. */
export interface CandidateLookups {
  users: ReadonlyMap<string, string>;
  sources: ReadonlyMap<string, string>;
  fields: readonly FieldDefinition[];
}

/** The whole header of `Candidates.csv`. */
export function candidateHeader(fields: readonly FieldDefinition[]): string[] {
  const base = [...CANDIDATE_BASE_HEADER, ...STAMP_HEADER];
  return [...CANDIDATE_BASE_HEADER, ...uniqueHeaders(base, fields), ...STAMP_HEADER];
}

/** One person's row; `cvFiles` are their CVs' paths in the zip (or why one is missing). */
export function candidateRow(
  p: PersonRecord,
  batch: CandidateBatch,
  lookups: CandidateLookups,
  cvFiles: readonly string[],
): CsvValue[] {
  const emails = batch.emails.get(p.id) ?? [];
  const phones = batch.phones.get(p.id) ?? [];
  const work = batch.work.get(p.id) ?? [];
  const current = work.find((w) => w.is_current);
  const values = batch.values.get(p.id);
  return [
    p.id,
    p.first_name,
    p.last_name,
    p.headline,
    p.location,
    emails[0],
    joined(emails.slice(1)),
    phones[0],
    joined(phones.slice(1)),
    joined(batch.links.get(p.id)),
    p.source_type,
    p.source_id,
    p.source_id ? lookups.sources.get(p.source_id) : null,
    p.referrer,
    p.owner_id,
    p.owner_id ? lookups.users.get(p.owner_id) : null,
    joined(batch.tags.get(p.id)),
    current?.title,
    current?.company_name,
    joined(work.map(workLine)),
    joined((batch.education.get(p.id) ?? []).map(educationLine)),
    joined(cvFiles),
    ...lookups.fields.map((f) => fieldCell(f.type, values?.get(f.id))),
    p.created_at,
    p.updated_at,
  ];
}

function joined(list: readonly string[] | undefined): string | null {
  return list?.length ? list.join("; ") : null;
}

function span(start: string | null, end: string | null, current: boolean): string {
  if (!start && !end && !current) return "";
  return ` (${start ?? "?"} – ${current ? "present" : (end ?? "?")})`;
}

/** "Title at Company (2019-01-01 – present)". */
function workLine(w: WorkRecord): string {
  const role = w.title ? `${w.title} at ${w.company_name}` : w.company_name;
  return role + span(w.start_date, w.end_date, w.is_current);
}

/** "Degree, Field — School (2010-09-01 – 2014-06-30)". */
function educationLine(e: EducationRecord): string {
  const what = [e.degree, e.field_of_study].filter(Boolean).join(", ");
  return (what ? `${what} — ${e.school}` : e.school) + span(e.start_date, e.end_date, false);
}
