import { finished, PassThrough, pipeline } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema/index.js";
import type { Clock } from "../../domain/clock.js";
import { streamCandidatesReport } from "../../exports/candidates-report/index.js";
import type { ExportService } from "../../services/export.service.js";
import type { WriteContext } from "../../services/write-context.js";
import { contentDisposition } from "../attachments/content-disposition.js";

export interface CandidatesReportDeps {
  /** Audits the download. */
  exports: Pick<ExportService, "recordReportDownload">;
  ctx: WriteContext;
  clock: Clock;
  /** Runs a read on one consistent snapshot (`Database.readSnapshot`). */
  readSnapshot: <T>(fn: (db: Kysely<DB>) => Promise<T>) => Promise<T>;
  /** Where it was asked for, in the audit entry: the API or the web page. */
  via: "api" | "web";
}

/**
 * Streams the Candidates Excel Report (docs/EXPORTS.md#the-candidates-excel-report, "downloadable
 * on its own too") from one consistent snapshot, audited as `report.downloaded`. Shared by the API
 * route and the Data Backup page, so both send the same bytes with the same download headers
 * (docs/EXPORTS.md#links-and-downloads).
 */
export async function sendCandidatesReport(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: CandidatesReportDeps,
): Promise<FastifyReply> {
  const { ctx } = deps;
  const now = deps.clock.now();
  await deps.exports.recordReportDownload(ctx, deps.via, now);
  // The snapshot stays open while the client reads; a client that goes away ends it.
  const body = new PassThrough();
  const abort = new AbortController();
  reply.raw.once("close", () => abort.abort());
  deps
    .readSnapshot(
      (db) =>
        new Promise<void>((resolve, reject) => {
          const report = streamCandidatesReport(db, ctx.accountId, { snapshotAt: now, signal: abort.signal });
          // Resolve only once the report has closed: its last query must end before the
          // snapshot's transaction does (pipeline can call back a tick earlier).
          pipeline(report, body, (err) => finished(report, () => (err ? reject(err) : resolve())));
        }),
    )
    .catch((err) => {
      if (!abort.signal.aborted) request.log.error({ err }, "candidates report failed mid-stream");
      body.destroy(err);
    });
  const day = now.toISOString().slice(0, 10);
  return reply
    .header("content-type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    .header("content-disposition", contentDisposition(`Candidates-${day}.xlsx`))
    .header("cache-control", "private, no-store")
    .header("referrer-policy", "no-referrer")
    .send(body);
}
