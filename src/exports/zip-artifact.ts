import type { ArtifactSpec, ExportContext, SavedArtifact } from "./export-format.js";
import { ZipWriter } from "./zip/zip-writer.js";

/** Outcome of a promise, observed at once so a rejection is never unhandled while we work. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Observes `p` now; `onError` runs as soon as it rejects. */
export function settle<T>(p: Promise<T>, onError: (err: unknown) => void): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => {
      onError(error);
      return { ok: false as const, error };
    },
  );
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Writes one zip artifact: `fill` adds the entries while storage consumes the archive as it is
 * written (nothing is held whole). Whichever side fails first destroys the other — a failed
 * upload aborts the zip (the pending `addEntry` rejects), a failed entry aborts the upload — and
 * the first failure is what rejects; when the export was cancelled, the abort reason is.
 */
export async function writeZipArtifact(
  ctx: Pick<ExportContext, "saveArtifact" | "signal" | "snapshotAt">,
  spec: ArtifactSpec,
  fill: (zip: ZipWriter) => Promise<void>,
): Promise<SavedArtifact> {
  ctx.signal.throwIfAborted();
  const zip = new ZipWriter({ mtime: ctx.snapshotAt });
  let firstFailure: unknown;
  const saved = settle(ctx.saveArtifact(spec, zip.output), (err) => {
    firstFailure ??= err;
    zip.abort(asError(err));
  });
  try {
    await fill(zip);
    await zip.finish();
  } catch (err) {
    firstFailure ??= err;
    zip.abort(asError(err));
    await saved;
    throw ctx.signal.aborted ? ctx.signal.reason : firstFailure;
  }
  const result = await saved;
  if (!result.ok) throw result.error;
  return result.value;
}
