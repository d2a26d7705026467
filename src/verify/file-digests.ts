/**
 * Size and SHA-256 of whole files next to the one being verified (the full export's master CSV
 * and part zips), each computed once: the master CSV and `manifest.json` both name the same zips.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import type { ByteMeter, Digest } from "./archive-pass.js";

export class FileDigests {
  private readonly cache = new Map<string, Promise<Digest | null>>();

  constructor(private readonly meter: ByteMeter) {}

  /** The file's digest, or null when there is no such file. */
  get(file: string): Promise<Digest | null> {
    let digest = this.cache.get(file);
    if (!digest) {
      digest = this.compute(file);
      this.cache.set(file, digest);
    }
    return digest;
  }

  private async compute(file: string): Promise<Digest | null> {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(file);
    } catch {
      return null;
    }
    if (!stat.isFile()) return null;
    this.meter.expect(stat.size);
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
      this.meter.add(chunk.length);
    }
    return { size, sha256: hash.digest("hex") };
  }
}
