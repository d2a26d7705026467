/**
 * Guardrail: a format folder imports shared modules of `src/exports/` (files, records, zip…),
 * never another format, so a format can change without breaking the others. (The Candidates
 * sheet that the backup holds and the report endpoint streams is such a shared module:
 * `src/exports/candidates-report/`.)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const FORMATS_DIR = path.resolve(import.meta.dirname, "../../src/exports/formats");

/** Relative import specifiers of a TypeScript source (static `from` and dynamic `import()`). */
function relativeImports(source: string): string[] {
  const specs: string[] = [];
  for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.[^"']*)["']/g)) {
    specs.push(m[1]!);
  }
  return specs;
}

/** Imports of files under `formatsDir` that reach into another format, as "file → target". */
function crossFormatImports(formatsDir: string): string[] {
  const found: string[] = [];
  for (const format of fs.readdirSync(formatsDir)) {
    const dir = path.join(formatsDir, format);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const rel of fs.readdirSync(dir, { recursive: true }) as string[]) {
      if (!rel.endsWith(".ts")) continue;
      const file = path.join(dir, rel);
      for (const spec of relativeImports(fs.readFileSync(file, "utf8"))) {
        const target = path.relative(formatsDir, path.resolve(path.dirname(file), spec));
        const [owner, ...inside] = target.split(path.sep);
        if (target.startsWith("..") || owner === format || inside.length === 0) continue;
        found.push(`${path.relative(formatsDir, file)} → ${target}`);
      }
    }
  }
  return found.sort();
}

describe("export format folders", () => {
  it("import only shared modules, not another format's files", () => {
    expect(crossFormatImports(FORMATS_DIR)).toEqual([]);
  });

  it("the check sees a format reaching into another", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hv-formats-"));
    try {
      fs.mkdirSync(path.join(dir, "a", "sub"), { recursive: true });
      fs.mkdirSync(path.join(dir, "b"));
      fs.writeFileSync(path.join(dir, "a", "sub", "x.ts"), 'import { y } from "../../b/y.js";\n');
      fs.writeFileSync(path.join(dir, "a", "ok.ts"), 'import { z } from "../../shared/z.js";\n');
      fs.writeFileSync(path.join(dir, "b", "y.ts"), 'export const y = await import("../a/ok.js");\n');
      expect(crossFormatImports(dir)).toEqual([
        `a${path.sep}sub${path.sep}x.ts → b${path.sep}y.js`,
        `b${path.sep}y.ts → a${path.sep}ok.js`,
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
