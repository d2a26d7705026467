/**
 * The shape check `hirevault verify` runs on `manifest.json` before comparing anything with it:
 * the first problem names the field as a dotted path (`tables.0.rows`), `(root)` for the document.
 */
import { describe, expect, it } from "vitest";
import { manifestShapeProblem } from "../../src/verify/manifest-json.js";

const good = {
  format: "hirevault-snapshot",
  format_version: 1,
  account: { id: "acc", name: "Acme" },
  snapshot_at: "2026-11-24T09:00:00.000Z",
  tables: [{ file: "persons/persons.csv", rows: 2, rows_of: null }],
  files: [{ path: "persons/persons.csv", size: 3, sha256: "a".repeat(64) }],
  parts: [{ part: "1", label: "Data", file_name: "data.zip", size: 1, sha256: "b".repeat(64), entries: 1 }],
  missing_files_count: 0,
  missing_files: [],
};

describe("manifestShapeProblem", () => {
  it("accepts a manifest of the expected shape, with fields it does not know", () => {
    expect(manifestShapeProblem(good)).toBeNull();
    expect(manifestShapeProblem({ ...good, written_by: "a newer release" })).toBeNull();
    const { parts: _parts, ...withoutParts } = good;
    expect(manifestShapeProblem(withoutParts)).toBeNull();
  });

  it("names the document when it is not an object", () => {
    expect(manifestShapeProblem(5)).toBe("(root): Expected object");
    expect(manifestShapeProblem(null)).toBe("(root): Expected object");
    expect(manifestShapeProblem([])).toBe("(root): Expected object");
  });

  it("names the first wrong field as a dotted path", () => {
    const { format: _format, ...withoutFormat } = good;
    expect(manifestShapeProblem(withoutFormat)).toMatch(/^format: /);
    expect(manifestShapeProblem({ ...good, format_version: "1" })).toBe("format_version: Expected integer");
    expect(manifestShapeProblem({ ...good, account: { id: "acc" } })).toMatch(/^account\.name: /);
    expect(manifestShapeProblem({ ...good, tables: [good.tables[0], { file: "x", rows: 1.5 }] })).toBe(
      "tables.1.rows: Expected integer",
    );
    expect(manifestShapeProblem({ ...good, tables: [{ file: "x", rows: -1 }] })).toBe(
      "tables.0.rows: Expected integer to be greater or equal to 0",
    );
    expect(manifestShapeProblem({ ...good, tables: [{ file: "x", rows: 1, rows_of: 5 }] })).toBe(
      "tables.0.rows_of: Expected string or null",
    );
    expect(
      manifestShapeProblem({ ...good, missing_files: [{ part: "1", attachment_id: "x", path: "p" }] }),
    ).toMatch(/^missing_files\.0\.reason: /);
    expect(manifestShapeProblem({ ...good, attachment_files: { entries: 1, bytes: "3" } })).toBe(
      "attachment_files.bytes: Expected integer",
    );
  });

  it("says what a SHA-256 must look like", () => {
    expect(manifestShapeProblem({ ...good, files: [{ ...good.files[0], sha256: "A".repeat(64) }] })).toBe(
      "files.0.sha256: a SHA-256 in lowercase hex",
    );
    expect(manifestShapeProblem({ ...good, parts: [{ ...good.parts[0], sha256: "x" }] })).toBe(
      "parts.0.sha256: a SHA-256 in lowercase hex",
    );
  });
});
