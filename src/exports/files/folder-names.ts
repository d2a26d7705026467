import crypto from "node:crypto";
import { fitName, foldKey, splitExtension, type UniqueNames } from "../zip/safe-entry-name.js";

/**
 * {@link UniqueNames} semantics (`name`, `name (2).ext`, … after NFC + case folding) for every
 * folder at once, remembering a 48-bit hash of `folder/foldKey(name)` instead of the name: about
 * a fifth of the memory for a million CVs. A hash collision (~1e-5 at a million names in one
 * folder) can only make a name look taken, i.e. add a needless ` (n)` suffix, deterministically:
 * names stay unique and stable. `next` remembers the last suffix used per colliding name, so a
 * thousand `resume.pdf` in one stage cost a thousand tries, not half a million.
 */
export class FolderNames {
  private readonly used = new Set<number>();
  private readonly next = new Map<number, number>();

  take(folder: string, name: string, maxBytes: number): string {
    const nfc = name.normalize("NFC");
    const base = hash48(folder, nfc);
    if (this.reserve(base)) return nfc;
    const [stem, ext] = splitExtension(nfc);
    // Every suffix below the remembered one is taken already (names are never released).
    for (let n = (this.next.get(base) ?? 1) + 1; ; n++) {
      const candidate = fitName(stem, ext, maxBytes, ` (${n})`);
      if (this.reserve(hash48(folder, candidate))) {
        this.next.set(base, n);
        return candidate;
      }
    }
  }

  private reserve(key: number): boolean {
    if (this.used.has(key)) return false;
    this.used.add(key);
    return true;
  }
}

function hash48(folder: string, name: string): number {
  const digest = crypto
    .createHash("sha256")
    .update(`${folder}\u0000${foldKey(name)}`)
    .digest();
  return digest.readUIntBE(0, 6);
}
