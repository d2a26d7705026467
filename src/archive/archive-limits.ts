/**
 * Limits that bound what opening and reading an untrusted archive may cost
 * (docs/EXPORTS.md#untrusted-archives: "rejected by limits (uncompressed bytes, entries, ratio,
 * depth) in bounded memory/time"). All are checked against the central directory when the archive
 * is opened, before any byte of content is read; reading then enforces the declared sizes, so they
 * hold for real bytes.
 */

export interface ArchiveLimits {
  /** Most entries (files and folders) an archive may declare. */
  maxEntries: number;
  /** Most bytes all entries may declare uncompressed, together. */
  maxTotalBytes: number;
  /** Most bytes one entry may declare uncompressed. */
  maxEntryBytes: number;
  /** Highest uncompressed/compressed ratio of an entry larger than {@link RATIO_MIN_BYTES}. */
  maxRatio: number;
}

/** Entries at most this large (uncompressed) are exempt from `maxRatio`: they cannot hurt. */
export const RATIO_MIN_BYTES = 1024 * 1024;

const GiB = 1024 * 1024 * 1024;

/**
 * Defaults, sized for the exports Hirevault writes:
 * - `maxEntries` 500,000: a 100,000-candidate snapshot holds ~100,000 CV files plus a few dozen
 *   CSV/JSON files, so 5× headroom; the reader keeps ~250 bytes per entry (name, sizes, CRC,
 *   offset), so the limit also caps its memory near 125 MB. 1,000,000 tiny entries are refused.
 * - `maxTotalBytes` 64 GiB: CVs average ~100 KB; 100,000 of them are ~10 GB.
 * - `maxEntryBytes` 4 GiB: larger than any CV or table CSV we write; ZIP64 beyond that is allowed
 *   by raising the limit.
 * - `maxRatio` 200: CSV and XML deflate ~10×, PDF/DOCX ~1×; DEFLATE's ceiling is ~1,032×, which is
 *   what zip bombs use (a run of zeros).
 */
export const DEFAULT_LIMITS: ArchiveLimits = Object.freeze({
  maxEntries: 500_000,
  maxTotalBytes: 64 * GiB,
  maxEntryBytes: 4 * GiB,
  maxRatio: 200,
});

/** `DEFAULT_LIMITS` overridden by `partial`; throws a `RangeError` for a non-positive or non-number limit. */
export function resolveLimits(partial: Partial<ArchiveLimits> = {}): ArchiveLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof ArchiveLimits>) {
    const value = partial[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || Number.isNaN(value) || value <= 0) {
      throw new RangeError(`archive limit ${key} must be a positive number, got ${String(value)}`);
    }
    limits[key] = value;
  }
  return limits;
}
