import crypto from "node:crypto";

/** RFC 3986 percent-encoding, as SigV4 canonical query strings use it. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const hmac = (key: crypto.BinaryLike, data: string) => crypto.createHmac("sha256", key).update(data).digest();

/**
 * Checks the signature of a SigV4 query-string-signed GET URL (AWS "Authenticating Requests:
 * Using Query Parameters"), written out independently of the SDK. s3rver does not verify V4
 * signatures, so tests use this to show that what they read from a URL (its expiry, its
 * response headers) is covered by the signature and cannot be stretched by whoever holds it.
 * Supports what our presigner emits: `SignedHeaders=host` and an `UNSIGNED-PAYLOAD`.
 */
export function hasValidSigV4(url: string | URL, secretAccessKey: string): boolean {
  const u = new URL(url);
  const q = u.searchParams;
  if (q.get("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256" || q.get("X-Amz-SignedHeaders") !== "host")
    return false;
  const [, date, region, service] = /^[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(
    q.get("X-Amz-Credential") ?? "",
  ) ?? [undefined, "", "", ""];
  const amzDate = q.get("X-Amz-Date") ?? "";
  const canonicalQuery = [...q.entries()]
    .filter(([name]) => name !== "X-Amz-Signature")
    .map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`)
    .sort()
    .join("&");
  const canonicalRequest = [
    "GET",
    u.pathname,
    canonicalQuery,
    `host:${u.host}\n`,
    "host",
    "UNSIGNED-PAYLOAD",
  ].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const hash = crypto.createHash("sha256").update(canonicalRequest).digest("hex");
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, hash].join("\n");
  let key = hmac(`AWS4${secretAccessKey}`, date ?? "");
  for (const part of [region ?? "", service ?? "", "aws4_request"]) key = hmac(key, part);
  return hmac(key, stringToSign).toString("hex") === q.get("X-Amz-Signature");
}

/** The signing time of a presigned URL (`X-Amz-Date`, `YYYYMMDDTHHMMSSZ`) in epoch ms. */
export function signedAt(url: string | URL): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(
    new URL(url).searchParams.get("X-Amz-Date") ?? "",
  );
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}
