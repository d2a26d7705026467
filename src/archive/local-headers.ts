/**
 * Places every entry's data in the file and proves no two entries share bytes: the defence
 * against overlapping-entry zip bombs (bamsoftware.com/hacks/zipbomb,
 * docs/EXPORTS.md#untrusted-archives), where many central directory headers point at the same, or
 * overlapping, compressed data, so a 46 MB file inflates to 4.5 PB without any nested archive.
 *
 * Entries are sorted by local header offset; each one's local header, data and (bit 3) data
 * descriptor must end at or before the next local header, and the last before the central
 * directory. First with a lower bound from the central directory alone (local header ≥ 30
 * bytes, descriptor ≥ 12 bytes) — so a bomb is named `overlap` before any local header is
 * read — then exactly, from each local header read (in 64 KiB groups, 16 reads in flight). The
 * local header must carry the central directory's name: a tool reading local headers would
 * otherwise see another name than we check. Offsets and sizes are ZIP64-resolved by yauzl.
 */
import { ArchiveError } from "./archive-error.js";
import { FLAG_DATA_DESCRIPTOR } from "./entry-checks.js";

/** One entry's position, as the central directory declares it. `dataStart` is filled in here. */
export interface EntryPlace {
  name: string;
  offset: number;
  nameBytes: number;
  compressedSize: number;
  flags: number;
  dataStart: number;
}

const SIG_LOCAL = 0x04034b50;
const LOCAL_HEADER_BYTES = 30;
/** Smallest data descriptor (§4.3.9): CRC + two 32-bit sizes, no signature. */
const MIN_DESCRIPTOR_BYTES = 12;
const GROUP_BYTES = 64 * 1024;
const READS_IN_FLIGHT = 16;

type ReadAt = (position: number, length: number) => Promise<Buffer>;

/** End (exclusive) of the entry's bytes given its data start. */
function endOf(p: EntryPlace, dataStart: number): number {
  return dataStart + p.compressedSize + (p.flags & FLAG_DATA_DESCRIPTOR ? MIN_DESCRIPTOR_BYTES : 0);
}

function checkOrder(
  sorted: EntryPlace[],
  dataStart: (p: EntryPlace) => number,
  cdOffset: number,
  fileSize: number,
): void {
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i]!;
    const end = endOf(p, dataStart(p));
    const next = sorted[i + 1];
    if (next !== undefined && end > next.offset) {
      throw new ArchiveError(
        "overlap",
        `its local header (offset ${next.offset}) lies inside the bytes of ${JSON.stringify(p.name)} (offsets ${p.offset}–${end - 1}): overlapping entries, a zip bomb technique`,
        next.name,
      );
    }
    if (next === undefined && end > cdOffset) {
      if (end > fileSize) {
        throw new ArchiveError(
          "truncated",
          `data runs past the end of the file (to offset ${end}, file has ${fileSize} bytes)`,
          p.name,
        );
      }
      throw new ArchiveError("overlap", `data runs into the central directory (offset ${cdOffset})`, p.name);
    }
  }
}

/** Fills `dataStart` of every place, or throws `overlap`, `truncated`, `not_zip` or `unsafe_name`. */
export async function locateEntries(
  places: EntryPlace[],
  readAt: ReadAt,
  cdOffset: number,
  fileSize: number,
): Promise<void> {
  const sorted = places.slice().sort((a, b) => a.offset - b.offset);
  checkOrder(sorted, (p) => p.offset + LOCAL_HEADER_BYTES, cdOffset, fileSize);

  const groups: EntryPlace[][] = [];
  for (const p of sorted) {
    const group = groups[groups.length - 1];
    const end = p.offset + LOCAL_HEADER_BYTES + p.nameBytes;
    if (group && end - group[0]!.offset <= GROUP_BYTES) group.push(p);
    else groups.push([p]);
  }
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    try {
      while (!failed && next < groups.length) {
        const group = groups[next++]!;
        const start = group[0]!.offset;
        const last = group[group.length - 1]!;
        const bytes = await readAt(start, last.offset + LOCAL_HEADER_BYTES + last.nameBytes - start);
        for (const p of group) readLocalHeader(p, bytes.subarray(p.offset - start));
      }
    } catch (err) {
      failed = true; // the others stop issuing reads: the file is about to be closed
      throw err;
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, groups.length) }, worker));
  checkOrder(sorted, (p) => p.dataStart, cdOffset, fileSize);
}

function readLocalHeader(p: EntryPlace, h: Buffer): void {
  if (h.length < LOCAL_HEADER_BYTES) {
    throw new ArchiveError(
      "truncated",
      `local header at offset ${p.offset} is past the end of the file`,
      p.name,
    );
  }
  if (h.readUInt32LE(0) !== SIG_LOCAL) {
    throw new ArchiveError(
      "not_zip",
      `no local file header at offset ${p.offset}, where the central directory points`,
      p.name,
    );
  }
  const nameLength = h.readUInt16LE(26);
  const localName = h.subarray(LOCAL_HEADER_BYTES, LOCAL_HEADER_BYTES + nameLength);
  if (nameLength !== p.nameBytes || !localName.equals(Buffer.from(p.name, "utf8"))) {
    if (h.length < LOCAL_HEADER_BYTES + Math.min(nameLength, p.nameBytes)) {
      throw new ArchiveError("truncated", `local header at offset ${p.offset} is cut off`, p.name);
    }
    throw new ArchiveError(
      "unsafe_name",
      `local header names it ${JSON.stringify(localName.toString("utf8"))}: other tools would extract another name`,
      p.name,
    );
  }
  p.dataStart = p.offset + LOCAL_HEADER_BYTES + nameLength + h.readUInt16LE(28);
}
