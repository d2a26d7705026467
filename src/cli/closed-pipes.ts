/**
 * A reader that goes away — `hirevault user list | head`, a log collector that stops — is not a
 * failure of the command. Node reports a write to a pipe without a reader as an `EPIPE` error on
 * the stream and, with nobody listening, throws it with a stack trace. Listening here makes
 * further writes to that stream be dropped: the command finishes its work and exits with its own
 * code (a long-running server keeps serving). Any other stream error still ends the process.
 */
const CLOSED_PIPE = new Set(["EPIPE", "ERR_STREAM_DESTROYED"]);

export function dropWritesToClosedPipes(...streams: NodeJS.WritableStream[]): void {
  for (const stream of streams) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (!CLOSED_PIPE.has(err.code ?? "")) throw err;
    });
  }
}
