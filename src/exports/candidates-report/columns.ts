/**
 * Columns of the Candidates Excel Report (docs/EXPORTS.md#the-candidates-excel-report), shared by
 * the standalone report and the monthly backup's `Candidates.xlsx`
 * (docs/EXPORTS.md#the-monthly-backup: the same sheet, cell for cell).
 */
import type { CellValue } from "../xlsx/cell-value.js";
import type { XlsxColumn } from "../xlsx/xlsx-writer.js";

/**
 * The fixed columns, in the order of docs/EXPORTS.md#the-candidates-excel-report, with a display
 * width (Excel character units).
 */
export const BASE_COLUMNS: readonly XlsxColumn[] = [
  { header: "Candidate ID", width: 38 },
  { header: "Candidate Name", width: 28 },
  { header: "Candidate Email", width: 32 },
  { header: "Candidate Phone", width: 20 },
  { header: "Source Type", width: 12 },
  { header: "Source", width: 20 },
  { header: "Referrer", width: 20 },
  { header: "Archived?", width: 10 },
  { header: "Opening ID", width: 38 },
  { header: "Opening Title", width: 32 },
  { header: "Stage", width: 18 },
  { header: "Status", width: 11 },
  { header: "Decision Reason", width: 24 },
  { header: "Assigned To", width: 22 },
  { header: "Added Date", width: 18 },
  { header: "Last Updated Date", width: 18 },
  { header: "Resume File", width: 60 },
  { header: "Tags", width: 30 },
];

/** Index of the "Resume File" column (the backup replaces it for a CV missing in storage). */
export const RESUME_FILE_COLUMN = 16;

/** What a column needs of a person custom field definition. */
export interface PersonFieldDefinition {
  id: string;
  label: string;
  type: string;
}

/** The report's columns: the fixed ones, then one per person custom field (already ordered). */
export function candidateReportColumns(definitions: readonly PersonFieldDefinition[]): XlsxColumn[] {
  return [...BASE_COLUMNS, ...definitions.map((d) => ({ header: d.label, width: 20 }))];
}

/** "Yes"/"No", as the report shows booleans (Archived?, boolean custom fields). */
export function yesNo(value: boolean): string {
  return value ? "Yes" : "No";
}

/**
 * A custom field value (canonical text, see `custom_field_values.value`) as a cell: numbers as
 * number cells, booleans as Yes/No, multiselect JSON arrays comma-joined; anything that does not
 * parse as its type is shown as stored, never dropped.
 */
export function customFieldCell(type: string, value: string | null | undefined): CellValue {
  if (value === null || value === undefined || value === "") return null;
  switch (type) {
    case "number": {
      const n = Number(value);
      return value.trim() !== "" && Number.isFinite(n) ? n : value;
    }
    case "boolean":
      return value === "true" ? yesNo(true) : value === "false" ? yesNo(false) : value;
    case "multiselect": {
      try {
        const parsed: unknown = JSON.parse(value);
        if (Array.isArray(parsed)) return parsed.map((v) => String(v)).join(", ");
      } catch {
        // not JSON: shown as stored
      }
      return value;
    }
    default:
      return value;
  }
}
