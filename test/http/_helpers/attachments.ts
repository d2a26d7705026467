import type { BlobInfo } from "../../../src/storage/blob-store.js";
import type { Client, FormPart, TestApp } from "../../support/test-app.js";

/** Blob keys stored under an account (to prove nothing was left behind). */
export async function blobKeys(t: TestApp, accountId: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const b of t.blobs.list(`accounts/${accountId}/`) as AsyncIterable<BlobInfo>) keys.push(b.key);
  return keys;
}

/** Uploads one file for a person, with optional extra fields before it. */
export function upload(
  client: Client,
  entityId: string,
  file: Partial<Extract<FormPart, { content: Buffer }>> & { content: Buffer },
  extra: FormPart[] = [],
) {
  return client.upload("/api/v1/attachments", [
    { name: "entity_type", value: "person" },
    { name: "entity_id", value: entityId },
    ...extra,
    { name: "file", filename: "cv.pdf", ...file },
  ]);
}
