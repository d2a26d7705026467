/**
 * Columns and rows of `Candidates.csv` (SPEC §2.2): one row per person, contact points and links
 * joined with "; " (primary first), work history and education as short readable lines, the
 * paths of the person's CVs inside the Internal CVs zip, then one column per person custom field.
 */
import type { CsvValue } from "../../csv/csv-dialect.js";
import { customFieldCell } from "../candidates-report/columns.js";
import type { CandidateBatch, EducationRecord, PersonRecord, WorkRecord } from "./candidate-batch.js";

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
const STAMP_HEADER = ["Created At", "Updated At"];

/** What a custom field column needs of its definition. */
export interface FieldColumn {
  id: string;
  label: string;
  type: string;
}

/** Small per-account lookups, loaded once. */
export interface CandidateLookups {
  users: ReadonlyMap<string, string>;
  sources: ReadonlyMap<string, string>;
  fields: readonly FieldColumn[];
}

/**
 * Header texts of custom field columns: the field's label, made unique against the fixed columns
 * and each other (case-insensitively) with " (custom field)" and then " (2)", " (3)"…, so a
 * spreadsheet or importer never sees two columns of one name.
 */
export function fieldHeaders(base: readonly string[], fields: readonly FieldColumn[]): string[] {
  const taken = new Set(base.map((h) => h.toLowerCase()));
  return fields.map((f) => {
    let label = f.label.trim() || f.id;
    if (taken.has(label.toLowerCase())) label = `${label} (custom field)`;
    let unique = label;
    for (let n = 2; taken.has(unique.toLowerCase()); n++) unique = `${label} (${n})`;
    taken.add(unique.toLowerCase());
    return unique;
  });
}

/** The whole header of `Candidates.csv`. */
export function candidateHeader(fields: readonly FieldColumn[]): string[] {
  const base = [...CANDIDATE_BASE_HEADER, ...STAMP_HEADER];
  return [...CANDIDATE_BASE_HEADER, ...fieldHeaders(base, fields), ...STAMP_HEADER];
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
    ...lookups.fields.map((f) => {
      const v = customFieldCell(f.type, values?.get(f.id));
      return v instanceof Date ? v.toISOString() : v;
    }),
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
