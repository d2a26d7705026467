import { Readable, Transform } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";
import { NotFoundError } from "../../domain/errors.js";
import type { StoredAttachment } from "../../services/attachment.service.js";
import { BlobNotFoundError, type BlobStore, RangeNotSatisfiableError } from "../../storage/blob-store.js";
import { contentDisposition } from "../attachments/content-disposition.js";
import { decideRange } from "../attachments/range.js";
import { HttpProblem } from "../problem.js";

/** What {@link sendStoredFile} needs of a file row (an attachment or an export artifact). */
export interface StoredFile {
  /** Read from the database, never from the request. */
  storage_key: string;
  size_bytes: number | string;
  /** Hex SHA-256 of the bytes: the strong ETag. */
  sha256: string;
  content_type: string;
  file_name: string;
}

/** How a GET body ended: what was planned and what was handed to the connection. */
export interface SendOutcome {
  status: 200 | 206;
  plannedBytes: number;
  /** Bytes written to the response (the client may not have received the last buffered ones). */
  bytesSent: number;
  /** Whether the response ended normally (false: the client went away or the stream failed). */
  completed: boolean;
}

/** Options of {@link sendStoredFile}. */
export interface SendStoredFileOptions {
  /** Names the file in the 404 when its blob is missing from storage (default "file"). */
  label?: string;
  /** Extra fields of the "missing in storage" warning (ids, never the storage key). */
  logFields?: Record<string, unknown>;
  /** Called once when a GET body has ended or was aborted; not for HEAD or error answers. */
  onDone?: (outcome: SendOutcome) => void;
}

/**
 * Streams a stored file (never buffered) with download-safe headers:
 * `Content-Disposition: attachment` (RFC 6266), `nosniff` (set globally), `Cache-Control:
 * private, no-store`, a strong `ETag` (the SHA-256) and single-range support with `If-Range`
 * and 416 (RFC 9110 §14). HEAD gets the same headers and no body (RFC 9110 §9.3.2).
 * The blob stream is destroyed when the client goes away, so aborted downloads leak no handle.
 */
export async function sendStoredFile(
  request: FastifyRequest,
  reply: FastifyReply,
  file: StoredFile,
  blobs: BlobStore,
  opts: SendStoredFileOptions = {},
): Promise<FastifyReply> {
  const size = Number(file.size_bytes);
  const etag = `"${file.sha256}"`;
  const ifRange = request.headers["if-range"] as string | undefined;
  const decision = decideRange(request.headers.range, ifRange, size, etag);
  if (decision.kind === "unsatisfiable") throw unsatisfiable(size);

  let stream: Readable;
  try {
    stream = await blobs.get(file.storage_key, decision.kind === "partial" ? decision : undefined);
  } catch (err) {
    if (err instanceof BlobNotFoundError) {
      request.log.warn(opts.logFields ?? {}, `${opts.label ?? "file"} missing in storage`);
      throw new NotFoundError(opts.label ?? "file");
    }
    if (err instanceof RangeNotSatisfiableError) throw unsatisfiable(err.size);
    throw err;
  }
  reply.raw.once("close", () => stream.destroy());

  reply
    .header("content-type", file.content_type)
    .header("content-disposition", contentDisposition(file.file_name))
    .header("cache-control", "private, no-store")
    .header("accept-ranges", "bytes")
    .header("etag", etag);
  let planned = size;
  if (decision.kind === "partial") {
    const { start, end } = decision;
    planned = end - start + 1;
    reply
      .code(206)
      .header("content-range", `bytes ${start}-${end}/${size}`)
      .header("content-length", String(planned));
  } else {
    reply.code(200).header("content-length", String(size));
  }
  if (request.method === "HEAD") {
    // Fastify drains a stream body for HEAD and keeps our Content-Length; an empty one costs nothing.
    stream.destroy();
    return reply.send(Readable.from([]));
  }
  if (!opts.onDone) return reply.send(stream);
  const status = decision.kind === "partial" ? 206 : 200;
  return reply.send(countingBody(reply, stream, planned, status, opts.onDone));
}

/** Streams an attachment: {@link sendStoredFile} with attachment wording in errors and logs. */
export async function sendAttachmentContent(
  request: FastifyRequest,
  reply: FastifyReply,
  row: StoredAttachment,
  blobs: BlobStore,
): Promise<FastifyReply> {
  return sendStoredFile(request, reply, row, blobs, {
    label: "attachment file",
    logFields: { attachmentId: row.id },
  });
}

/** Pipes `source` through a byte counter and reports once when the response closes. */
function countingBody(
  reply: FastifyReply,
  source: Readable,
  plannedBytes: number,
  status: 200 | 206,
  onDone: (outcome: SendOutcome) => void,
): Readable {
  let bytesSent = 0;
  let finished = false;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytesSent += chunk.length;
      done(null, chunk);
    },
  });
  source.on("error", (err) => counter.destroy(err));
  source.pipe(counter);
  reply.raw.once("finish", () => {
    finished = true;
  });
  reply.raw.once("close", () => {
    counter.destroy();
    onDone({ status, plannedBytes, bytesSent, completed: finished && bytesSent === plannedBytes });
  });
  return counter;
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
