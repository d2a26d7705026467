/**
 * The tables of the full data export's Data Files zip written from plain queries
 * (docs/EXPORTS.md#the-full-data-export). `Attachments.csv` and `Candidates.csv` are not here: they
 * are written while files are zipped.
 */
import { auditLogsTable } from "./audit-logs.table.js";
import { companiesTable } from "./companies.table.js";
import { contactsTable } from "./contacts.table.js";
import type { CsvTable } from "./csv-table.js";
import { folderRecordsTable } from "./folder-records.table.js";
import { jobPipelinesTable } from "./job-pipelines.table.js";
import { jobsTable } from "./jobs.table.js";
import { tasksTable } from "./tasks.table.js";
import { usersTable } from "./users.table.js";

export type { CsvTable, CsvTableSource, OpenedCsvTable } from "./csv-table.js";

/** The eight query-backed tables, in file-name order. */
export const DATA_TABLES: readonly CsvTable[] = [
  auditLogsTable,
  companiesTable,
  contactsTable,
  folderRecordsTable,
  jobPipelinesTable,
  jobsTable,
  tasksTable,
  usersTable,
];
