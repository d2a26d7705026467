/**
 * Entry names of the Attachments and Internal CVs zips (docs/EXPORTS.md#zip-entry-names): a folder
 * per record, `<Record name> (<record id>)`, holding that record's files under their uploaded
 * names made safe and unique in the folder (`cv.pdf`, `cv (2).pdf` in upload order). The id makes
 * every folder unique and stable across runs even when two candidates share a name; the name
 * makes the zip browsable. Paths stay ≤ 200 bytes for Windows extraction headroom.
 */
import { FolderNames } from "../../files/folder-names.js";
import { MAX_ENTRY_PATH_BYTES, safeSegment } from "../../zip/safe-entry-name.js";

/** Byte budget of the record-name part of a folder (the id suffix comes on top). */
const NAME_MAX_BYTES = 80;

/** `<Name> (<id>)`, or the id alone when the record has no name. */
export function recordFolder(name: string | null, id: string): string {
  const cleaned = name === null ? "" : safeSegment(name, { fallback: "", maxBytes: NAME_MAX_BYTES });
  const folder = cleaned && cleaned !== "Untitled" ? `${cleaned} (${id})` : id;
  return safeSegment(folder, { fallback: id });
}

/**
 * Names files in folders for one zip: unique per folder after NFC + case folding, in the order
 * they come. Remembers a 48-bit hash per file (see `FolderNames`), not names or folders, so a
 * record's files need not come together and memory stays small for a million files.
 */
export class EntryPaths {
  private readonly names = new FolderNames();

  /** The entry name of the next file called `fileName` in `folder` (a safe relative path). */
  place(folder: string, fileName: string): string {
    const budget = Math.max(MAX_ENTRY_PATH_BYTES - Buffer.byteLength(folder, "utf8") - 1, 40);
    const name = safeSegment(fileName, { fallback: "file", maxBytes: budget });
    return `${folder}/${this.names.take(folder, name, budget)}`;
  }
}
