/**
 * The full data export (SPEC §2.2, the "Recruitly" format). Work in progress: the parts are being
 * written in this change.
 */

import { PermanentExportError } from "../../../jobs/export-errors.js";
import type { ExportContext, ExportFormat } from "../../export-format.js";

/** The full data export (`full` in the registry, API and `export_runs.format`). */
export const fullFormat: ExportFormat = {
  id: "full",
  label: "Full data export",
  mailPart: "master",
  write: async (_ctx: ExportContext) => {
    throw new PermanentExportError("not built yet");
  },
};
