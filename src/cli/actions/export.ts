import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { systemClock } from "../../domain/clock.js";
import { ValidationError } from "../../domain/errors.js";
import { createExportRunner } from "../../jobs/create-worker.js";
import type { ExportArtifact, ExportRun } from "../../repositories/export-run.repository.js";
import { ExportService } from "../../services/export.service.js";
import { SYSTEM_ACTOR } from "../../services/write-context.js";
import type { BlobStore } from "../../storage/blob-store.js";
import { failIfAwaitingPayment } from "../awaiting-payment.js";
import { requireAccount, withRuntime } from "../context.js";
import { createProgress } from "../progress.js";

const TERMINAL = new Set(["succeeded", "failed", "expired"]);

/**
 * `hirevault export <format> --account NAME --out PATH` (README.md#command-line): support runs an
 * export from the command line. It is an ordinary export run (listed, audited, downloadable from
 * the app too): this process claims and runs it itself — or follows the one already waiting or
 * running — then copies its files into PATH, atomically (temp file + rename each): a backup to PATH
 * or into it when it is a directory; the full export's master CSV and three zips into the directory
 * PATH.
 */
export async function exportNow(format: string, opts: { account: string; out: string }): Promise<void> {
  await withRuntime(async (rt) => {
    const account = await requireAccount(rt, opts.account);
    const ctx = { accountId: account.id, actor: SYSTEM_ACTOR };
    const exports = new ExportService(rt.database.db, systemClock);
    const requested = await exports.request(ctx, format, "cli");
    failIfAwaitingPayment(requested, account.name); // exit 1: the run waits for an invoice
    const { run } = requested;
    const runner = createExportRunner(rt);
    const progress = createProgress(`${format} export of ${account.name}`);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      let current: ExportRun = run;
      while (!TERMINAL.has(current.state)) {
        if (stop.signal.aborted) throw new Error("interrupted: the export was handed back to the queue");
        const ran = await runner.runById(current.id, stop.signal, (done, total) =>
          progress.update(done, total),
        );
        if (!ran) await sleep(1_000); // a worker has it (or it waits for a retry): follow it
        current = (await exports.runs.get(account.id, current.id))!;
        if (!ran && current.progress_total)
          progress.update(Number(current.progress_done), Number(current.progress_total));
      }
      if (current.state !== "succeeded")
        throw new Error(`the export ${current.state}: ${current.error ?? "no reason recorded"}`);
      const artifacts = await exports.runs.artifacts(account.id, [current.id]);
      if (artifacts.length === 0) throw new Error("the export finished without a file");
      const targets = await saveArtifacts(rt.blobs, artifacts, opts.out);
      const bytes = artifacts.reduce((n, a) => n + Number(a.size_bytes), 0);
      progress.done(
        artifacts.length === 1
          ? `${bytes.toLocaleString("en")} bytes, sha256 ${artifacts[0]!.sha256}`
          : `${artifacts.length} files, ${bytes.toLocaleString("en")} bytes`,
      );
      for (const target of targets) process.stdout.write(`${target}\n`);
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  });
}

/**
 * Saves the files of a run: one file goes to `out` or into it when it is a directory; several
 * (the full export's three zips and master CSV) go into the directory `out`, created if missing.
 */
async function saveArtifacts(blobs: BlobStore, artifacts: ExportArtifact[], out: string): Promise<string[]> {
  const isDir = fs.existsSync(out) && fs.statSync(out).isDirectory();
  if (artifacts.length === 1) {
    const only = artifacts[0]!;
    return [await saveArtifact(blobs, only, path.resolve(isDir ? path.join(out, only.file_name) : out))];
  }
  if (!isDir) {
    if (fs.existsSync(out))
      throw ValidationError.field("out", "must be a directory for an export of several files");
    fs.mkdirSync(out, { recursive: true, mode: 0o700 });
  }
  const saved: string[] = [];
  for (const a of artifacts) saved.push(await saveArtifact(blobs, a, path.resolve(out, a.file_name)));
  return saved;
}

/** Copies an artifact to `target` via a temp file + rename (never a half-written file there). */
async function saveArtifact(blobs: BlobStore, artifact: ExportArtifact, target: string): Promise<string> {
  const temp = `${target}.partial-${process.pid}`;
  try {
    await pipeline(await blobs.get(artifact.storage_key), fs.createWriteStream(temp, { mode: 0o600 }));
    fs.renameSync(temp, target);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
  return target;
}
