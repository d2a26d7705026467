import type { FastifyReply, FastifyRequest } from "fastify";
import type { DownloadLinkService, ResolvedDownload } from "../../services/download-link.service.js";
import type { PresignGetOptions } from "../../storage/blob-store.js";

/**
 * Lifetime of the presigned URL a download link redirects to: 5 minutes, never more. Our link
 * is the revocable credential (7 days, re-checked on every use); a presigned URL cannot be
 * revoked and works for anyone holding it, so it only has to outlive the redirect and the start
 * of the transfer (docs/EXPORTS.md#links-and-downloads; docs/EXPORTS.md#retention-and-expiry). S3
 * checks the signature when a request starts, so a download begun in time is not cut at the
 * 5-minute mark.
 */
export const PRESIGNED_REDIRECT_SECONDS = 300;

/** Signs a storage URL; a bound `BlobStore.presignGet`. */
export type PresignGet = (key: string, opts: PresignGetOptions) => Promise<string>;

/**
 * Answers a download link that passed every check with `302 Found` to a presigned storage URL
 * (RFC 9110 §15.4.3). The Location is the only copy of that URL: it is never logged, audited or
 * put in a body. `Cache-Control: private, no-store` keeps the redirect out of caches (a cached
 * 302 would replay an expired or revoked grant), and `Referrer-Policy: no-referrer` (set on
 * every response) keeps our link out of S3's logs. A GET is audited before it is answered; a
 * HEAD (a mail scanner's, docs/EXPORTS.md#links-and-downloads) redirects the same way but is not a
 * download.
 */
export async function sendPresignedRedirect(
  request: FastifyRequest,
  reply: FastifyReply,
  resolved: ResolvedDownload,
  presign: PresignGet,
  links: DownloadLinkService,
): Promise<FastifyReply> {
  const { claims, artifact } = resolved;
  // Signing is local: no request to storage here. A blob the sweep deleted answers 404 from S3.
  const location = await presign(artifact.storage_key, {
    expiresInSeconds: PRESIGNED_REDIRECT_SECONDS,
    fileName: artifact.file_name,
    contentType: artifact.content_type,
  });
  if (request.method === "GET") {
    // Awaited, so the grant is on record before the client holds the URL; a failing audit is
    // logged and does not block the download, as for streamed ones.
    await links
      .recordRedirect(resolved, {
        ip: request.ip,
        range: request.headers.range ?? null,
        expiresInSeconds: PRESIGNED_REDIRECT_SECONDS,
      })
      .catch((err: unknown) => request.log.error({ err }, "download audit failed"));
  }
  request.log.info(
    {
      accountId: claims.accountId,
      exportRunId: claims.exportRunId,
      artifactId: artifact.id,
      expiresIn: PRESIGNED_REDIRECT_SECONDS,
    },
    "download redirected to storage",
  );
  return reply.code(302).header("location", location).header("cache-control", "private, no-store").send();
}
