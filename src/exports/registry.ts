import type { ExportFormat, ExportFormatId } from "./export-format.js";
import { backupFormat } from "./formats/backup/index.js";
import { fullFormat } from "./formats/full/index.js";
import { snapshotFormat } from "./formats/snapshot/index.js";

/** The export formats of this release, by id (a Map, not a switch: one line per format). */
export const EXPORT_FORMAT_REGISTRY: ReadonlyMap<ExportFormatId, ExportFormat> = new Map(
  [backupFormat, fullFormat, snapshotFormat].map((f) => [f.id, f]),
);

/** The format of `id`, or undefined when this release cannot produce it. */
export function exportFormat(id: string): ExportFormat | undefined {
  return EXPORT_FORMAT_REGISTRY.get(id as ExportFormatId);
}
