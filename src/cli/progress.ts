/**
 * Progress for long work (README.md#command-line): a self-updating line on a terminal, plain lines
 * otherwise (CI logs, pipes) — at most one per 10 % so logs stay readable.
 */
export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const tty = Boolean(stream.isTTY);
  let lastDecile = -1;
  let lastPaint = 0;
  const started = Date.now();
  return {
    update(done: number, total: number): void {
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      if (tty) {
        const now = Date.now();
        if (now - lastPaint < 100 && done < total) return;
        lastPaint = now;
        stream.write(`\r${label}: ${done.toLocaleString("en")}/${total.toLocaleString("en")} (${pct}%)`);
      } else {
        const decile = Math.floor(pct / 10);
        if (decile === lastDecile) return;
        lastDecile = decile;
        stream.write(`${label}: ${done}/${total} (${pct}%)\n`);
      }
    },
    done(summary?: string): void {
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      stream.write(`${tty ? "\r\x1b[K" : ""}${label}: done in ${secs} s${summary ? ` — ${summary}` : ""}\n`);
    },
  };
}
