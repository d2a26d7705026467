import { Readable } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";
import { NotFoundError } from "../../domain/errors.js";
import type { StoredAttachment } from "../../services/attachment.service.js";
import { BlobNotFoundError, type BlobStore, RangeNotSatisfiableError } from "../../storage/blob-store.js";
import { contentDisposition } from "../attachments/content-disposition.js";
import { decideRange } from "../attachments/range.js";
import { HttpProblem } from "../problem.js";

/**
 * Streams an attachment (never buffered) with download-safe headers:
 * `Content-Disposition: attachment` (RFC 6266), `nosniff` (set globally), `Cache-Control:
 * private, no-store`, a strong `ETag` (the SHA-256) and single-range support (RFC 9110 §14).
 * The blob stream is destroyed when the client goes away, so aborted downloads leak no handle.
 */
export async function sendAttachmentContent(
  request: FastifyRequest,
  reply: FastifyReply,
  row: StoredAttachment,
  blobs: BlobStore,
): Promise<FastifyReply> {
  const size = Number(row.size_bytes);
  const etag = `"${row.sha256}"`;
  const ifRange = request.headers["if-range"] as string | undefined;
  const decision = decideRange(request.headers.range, ifRange, size, etag);
  if (decision.kind === "unsatisfiable") throw unsatisfiable(size);

  let stream: Readable;
  try {
    stream = await blobs.get(row.storage_key, decision.kind === "partial" ? decision : undefined);
  } catch (err) {
    if (err instanceof BlobNotFoundError) {
      request.log.warn({ attachmentId: row.id }, "attachment file missing in storage");
      throw new NotFoundError("attachment file");
    }
    if (err instanceof RangeNotSatisfiableError) throw unsatisfiable(err.size);
    throw err;
  }
  reply.raw.once("close", () => stream.destroy());

  reply
    .header("content-type", row.content_type)
    .header("content-disposition", contentDisposition(row.file_name))
    .header("cache-control", "private, no-store")
    .header("accept-ranges", "bytes")
    .header("etag", etag);
  if (decision.kind === "partial") {
    const { start, end } = decision;
    reply
      .code(206)
      .header("content-range", `bytes ${start}-${end}/${size}`)
      .header("content-length", String(end - start + 1));
  } else {
    reply.code(200).header("content-length", String(size));
  }
  if (request.method === "HEAD") {
    // Fastify drains a stream body for HEAD and keeps our Content-Length; an empty one costs nothing.
    stream.destroy();
    return reply.send(Readable.from([]));
  }
  return reply.send(stream);
}

function unsatisfiable(size: number): HttpProblem {
  return new HttpProblem(
    "range-not-satisfiable",
    `The file has ${size} bytes; the range asks for bytes past its end.`,
    {
      headers: { "content-range": `bytes */${size}` },
    },
  );
}
