import fs from "node:fs";
import path from "node:path";
import { snapshotFormat } from "../../src/exports/formats/snapshot/index.js";
import { type Fixture, runFormat } from "../exports/formats/helpers.js";

/**
 * Runs a snapshot of the fixture's account and copies the zip to `dir/name`, where a test may
 * rewrite it (the artifact itself belongs to the export run). Returns the copy's path.
 */
export async function snapshotFile(fx: Fixture, dir: string, name = "snapshot.zip"): Promise<string> {
  const run = await runFormat(fx, snapshotFormat);
  const file = path.join(dir, name);
  fs.copyFileSync(run.artifacts[0]!.path, file);
  return file;
}
