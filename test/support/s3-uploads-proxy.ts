import { readdir, readFile, rm, stat } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { CreateMultipartUploadCommand, type S3Client, UploadPartCommand } from "@aws-sdk/client-s3";
import type { S3rverHarness } from "./s3rver.js";

/**
 * s3rver 3.7 keeps unfinished multipart uploads on disk but answers ListMultipartUploads with
 * `501 NotImplemented` and AbortMultipartUpload with `405 MethodNotAllowed`. This loopback proxy
 * in front of it answers those two calls from s3rver's own upload folder
 * (`<directory>/<bucket>/._S3rver_uploads/<uploadId>/`, with the key in `key`; the folder's
 * modification time stands for S3's `Initiated`) and forwards every other request unchanged (the
 * Host header too, so s3rver's SigV4 check still holds). It is the one edge of S3 the tests
 * cannot reach on the real server: the paging and abort requests the store sends are real.
 */
export interface UploadsProxy {
  endpoint: string;
  /** The requests the proxy answered itself (`GET /bucket/?uploads…`, `DELETE /bucket/key?uploadId=…`). */
  answered: string[];
  /** The upload ids s3rver still holds. */
  uploadIds(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startUploadsProxy(s3: S3rverHarness): Promise<UploadsProxy> {
  const uploadsDir = path.join(s3.directory, s3.bucket, "._S3rver_uploads");
  const target = new URL(s3.endpoint);
  const answered: string[] = [];
  const uploadIds = async () => (await readdir(uploadsDir).catch(() => [] as string[])).sort();

  const listUploads = async (query: URLSearchParams): Promise<string> => {
    const max = Number(query.get("max-uploads") ?? 1000);
    const keyMarker = query.get("key-marker") ?? "";
    const idMarker = query.get("upload-id-marker") ?? "";
    const all = await Promise.all(
      (await uploadIds()).map(async (id) => ({
        id,
        key: await readFile(path.join(uploadsDir, id, "key"), "utf8"),
        initiated: (await stat(path.join(uploadsDir, id))).mtime,
      })),
    );
    // S3's order: by key, then by upload id; the markers name the last upload of the page before.
    all.sort((a, b) => (a.key === b.key ? (a.id < b.id ? -1 : 1) : a.key < b.key ? -1 : 1));
    const after = all.filter((u) => u.key > keyMarker || (u.key === keyMarker && u.id > idMarker));
    const page = after.slice(0, max);
    const truncated = after.length > page.length;
    const last = page.at(-1);
    const xml = (name: string, v: string) =>
      `<${name}>${v.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</${name}>`;
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      xml("Bucket", s3.bucket),
      xml("KeyMarker", keyMarker),
      xml("UploadIdMarker", idMarker),
      truncated && last ? xml("NextKeyMarker", last.key) + xml("NextUploadIdMarker", last.id) : "",
      xml("MaxUploads", String(max)),
      xml("IsTruncated", String(truncated)),
      ...page.map(
        (u) =>
          `<Upload>${xml("Key", u.key)}${xml("UploadId", u.id)}${xml("Initiated", u.initiated.toISOString())}</Upload>`,
      ),
      "</ListMultipartUploadsResult>",
    ].join("");
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://proxy");
    const fail = (err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    };
    if (req.method === "GET" && url.searchParams.has("uploads")) {
      answered.push(`${req.method} ${req.url}`);
      listUploads(url.searchParams).then((body) => {
        res.setHeader("content-type", "application/xml");
        res.end(body);
      }, fail);
      return;
    }
    if (req.method === "DELETE" && url.searchParams.has("uploadId")) {
      answered.push(`${req.method} ${req.url}`);
      const id = url.searchParams.get("uploadId") ?? "";
      uploadIds().then(async (ids) => {
        if (!/^[0-9a-f]+$/.test(id) || !ids.includes(id)) {
          res.statusCode = 404;
          res.setHeader("content-type", "application/xml");
          res.end(
            "<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>",
          );
          return;
        }
        await rm(path.join(uploadsDir, id), { recursive: true, force: true });
        res.statusCode = 204;
        res.end();
      }, fail);
      return;
    }
    const forward = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upstream) => {
        res.writeHead(upstream.statusCode ?? 502, upstream.headers);
        upstream.pipe(res);
      },
    );
    forward.on("error", fail);
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    answered,
    uploadIds,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * What a process SIGKILLed mid-upload leaves on S3: a multipart upload initiated, one part sent,
 * never completed. Sent straight to s3rver (`client` points at it); returns the upload id.
 */
export async function leaveUnfinishedUpload(
  s3: S3rverHarness,
  client: S3Client,
  key: string,
  bytes = 64,
): Promise<string> {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }));
  if (!UploadId) throw new Error("s3rver returned no upload id");
  await client.send(
    new UploadPartCommand({
      Bucket: s3.bucket,
      Key: key,
      UploadId,
      PartNumber: 1,
      Body: Buffer.alloc(bytes),
    }),
  );
  return UploadId;
}
