/**
 * The snapshot's `datapackage.json` (docs/EXPORTS.md#the-snapshot, Frictionless Data Package):
 * every CSV of the layout is one resource whose `path`, `bytes` and `hash` (`sha256:<hex>`) must
 * match the CSV read from the zip — the same facts `manifest.json` states, so a tool that trusts
 * either file gets the same answer. Field types and keys are the writer's business (one layout for
 * both); verify checks what ties the package to the bytes.
 */
import type { Digest, OpenedZip, VerifyContext } from "./archive-pass.js";
import { archiveProblem } from "./archive-pass.js";
import { count, errorMessage, inZip } from "./checks.js";

export const DATAPACKAGE_ENTRY = "datapackage.json";
const MAX_DATAPACKAGE_BYTES = 64 * 1024 * 1024;

interface Resource {
  path?: unknown;
  bytes?: unknown;
  hash?: unknown;
}

/** Checks the resources against the CSVs' digests (`csvPaths`: every CSV of the layout). */
export async function checkDatapackage(
  ctx: VerifyContext,
  zip: OpenedZip,
  csvPaths: readonly string[],
  digests: ReadonlyMap<string, Digest>,
): Promise<void> {
  const subject = inZip(DATAPACKAGE_ENTRY, zip.name);
  if (!zip.archive.entries.has(DATAPACKAGE_ENTRY)) {
    ctx.checks.fail(subject, "absent: a snapshot has one at its root (docs/EXPORTS.md#the-snapshot)");
    return;
  }
  let resources: Resource[];
  try {
    const json = JSON.parse(await zip.archive.readText(DATAPACKAGE_ENTRY, MAX_DATAPACKAGE_BYTES)) as unknown;
    const list = (json as { resources?: unknown } | null)?.resources;
    if (!Array.isArray(list)) throw new Error("no resources array");
    resources = list.filter((r): r is Resource => typeof r === "object" && r !== null);
  } catch (err) {
    ctx.checks.fail(
      subject,
      err instanceof SyntaxError ? `not valid JSON (${errorMessage(err)})` : archiveProblem(err),
    );
    return;
  }
  const byPath = new Map<string, Resource>();
  for (const r of resources) {
    if (typeof r.path !== "string")
      ctx.checks.fail(subject, `a resource has no path: ${JSON.stringify(r).slice(0, 120)}`);
    else byPath.set(r.path, r);
  }
  const problems = [];
  for (const path of csvPaths) {
    const r = byPath.get(path);
    byPath.delete(path);
    const d = digests.get(path);
    if (!r) problems.push(`no resource for ${path}`);
    else if (d) {
      if (r.bytes !== d.size) problems.push(`${path}: bytes is ${String(r.bytes)}, the file has ${d.size}`);
      if (r.hash !== `sha256:${d.sha256}`)
        problems.push(`${path}: hash is ${String(r.hash)}, the file's is sha256:${d.sha256}`);
    }
  }
  for (const path of byPath.keys()) problems.push(`resource ${path} is not a CSV of the snapshot`);
  for (const p of problems) ctx.checks.fail(subject, p);
  if (problems.length === 0)
    ctx.checks.pass(
      subject,
      `${count(csvPaths.length, "resource")}: path, bytes and hash of each as the CSV read`,
    );
}
