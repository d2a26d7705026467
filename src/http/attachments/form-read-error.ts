import { HttpProblem } from "../problem.js";

/**
 * What to throw when reading the multipart body itself failed: the body was cut short (busboy's
 * "Part terminated early", "Unexpected end of form"), is malformed, or the connection went away
 * ("Premature close"). That is the client's request, not a fault of the server: a 400, never a
 * 500. Errors that already carry a status (the multipart plugin's limits, 413) keep it.
 */
export function formReadError(err: unknown): unknown {
  if (typeof (err as { statusCode?: unknown } | null)?.statusCode === "number") return err;
  return new HttpProblem(
    "bad-request",
    "The multipart body ended early or is malformed; nothing was stored. Send the whole form again.",
  );
}

/** `source.next()`, with a failure to read the form turned into {@link formReadError}. */
export async function nextOfForm<T>(source: AsyncIterator<T>): Promise<IteratorResult<T>> {
  try {
    return await source.next();
  } catch (err) {
    throw formReadError(err);
  }
}
