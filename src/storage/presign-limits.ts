/**
 * Longest lifetime of a SigV4 presigned URL: 604,800 s = 7 days. AWS documents this limit
 * (`aws s3 presign --expires-in`) and S3 refuses URLs signed for longer
 * (docs/EXPORTS.md#links-and-downloads).
 */
export const MAX_PRESIGN_SECONDS = 604_800;

/**
 * Our own check before the SDK's: a lifetime must be a whole number of seconds from 1 to
 * {@link MAX_PRESIGN_SECONDS}. Fractions, 0, negatives, `NaN` and `Infinity` are caller bugs, so
 * they throw instead of being rounded or clamped into a URL that lives longer than intended.
 * @throws {RangeError}
 */
export function assertPresignExpiry(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_PRESIGN_SECONDS) {
    throw new RangeError(
      `expiresInSeconds must be an integer from 1 to ${MAX_PRESIGN_SECONDS} (7 days), got ${String(seconds)}`,
    );
  }
}
