/**
 * The master CSV (docs/EXPORTS.md#the-full-data-export): one row per part of the full export with
 * its file name, size, SHA-256, its own signed link and the link's expiry (ISO 8601 with the
 * account's UTC offset). It is what the requester's email links to; a human-facing CSV (BOM, CRLF,
 * formula escaping).
 */
import { Readable } from "node:stream";
import { isoWithOffset } from "../../../domain/local-time.js";
import { HUMAN_CSV } from "../../csv/csv-dialect.js";
import { csvStream } from "../../csv/csv-writer.js";
import type { ExportContext, SavedArtifact } from "../../export-format.js";

export const MASTER_HEADER = [
  "Part",
  "Description",
  "File Name",
  "Size (bytes)",
  "SHA-256",
  "Link",
  "Link Expires At",
];

/** A part as the master CSV lists it. */
export interface MasterPart {
  label: string;
  description: string;
  artifact: SavedArtifact;
}

/** Writes the master CSV (after the parts, whose links it carries) and saves it. */
export async function writeMasterCsv(
  ctx: ExportContext,
  fileName: string,
  parts: readonly MasterPart[],
): Promise<SavedArtifact> {
  const rows = [];
  for (const p of parts) {
    const link = await ctx.linkFor(p.artifact);
    rows.push([
      p.label,
      p.description,
      p.artifact.fileName,
      p.artifact.sizeBytes,
      p.artifact.sha256,
      link?.url ?? null,
      link ? isoWithOffset(link.expiresAt, ctx.timeZone) : null,
    ]);
  }
  const body = csvStream(MASTER_HEADER, Readable.from(rows), HUMAN_CSV);
  return ctx.saveArtifact({ part: "master", fileName, contentType: "text/csv; charset=utf-8" }, body);
}
