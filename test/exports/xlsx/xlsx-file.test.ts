/** The assembled .xlsx through the real zip writer, opened with Info-ZIP and a strict XML parser. */
import { execFileSync } from "node:child_process";
import { createWriteStream, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import type { CellValue } from "../../../src/exports/xlsx/cell-value.js";
import { sheetName } from "../../../src/exports/xlsx/workbook-parts.js";
import { writeXlsx } from "../../../src/exports/xlsx/write-xlsx.js";
import { TRUNCATION_MARKER } from "../../../src/exports/xlsx/xml.js";
import { assertWellFormed, HOSTILE, readCells, SHOWN } from "./helpers.js";

async function* gen(rows: CellValue[][]): AsyncIterable<CellValue[]> {
  yield* rows;
}

async function toFile(rows: CellValue[][], maxRowsPerSheet?: number): Promise<{ file: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "xlsx-file-"));
  const file = join(dir, "Candidates.xlsx");
  const columns = [{ header: "ID" }, { header: "Value", width: 40 }, { header: "When" }, { header: "Flag" }];
  const out = writeXlsx(gen(rows), {
    sheetName: "Candidates",
    columns,
    maxRowsPerSheet,
    created: new Date("2026-01-01T00:00:00Z"),
  });
  await pipeline(out, createWriteStream(file));
  execFileSync("unzip", ["-t", "-qq", file]); // throws on any CRC/structure error
  const parts = join(dir, "parts");
  execFileSync("unzip", ["-o", "-qq", file, "-d", parts]);
  return { file, dir: parts };
}

describe("writeXlsx → .xlsx file", () => {
  it("passes unzip -t; every part is well-formed; no formulas; hostile strings literal", async () => {
    const when = new Date("2025-12-24T18:00:00Z");
    const { dir } = await toFile(HOSTILE.map((s, i) => [i, s, when, i % 2 === 0]));
    expect(assertWellFormed(dir)).toBe(7);
    for (const f of readdirSync(join(dir, "xl/worksheets"))) {
      expect(readFileSync(join(dir, "xl/worksheets", f), "utf8")).not.toMatch(/<f[\s>/]/);
    }
    const cells = readCells(readFileSync(join(dir, "xl/worksheets/sheet1.xml"), "utf8"));
    HOSTILE.forEach((s, i) => {
      const c = cells.get(`B${i + 2}`)!;
      expect(c.t).toBe("inlineStr");
      if (c.value.endsWith(TRUNCATION_MARKER)) {
        expect(c.value.length).toBeLessThanOrEqual(32_767);
        expect(c.value.split("\n").length - 1).toBeLessThanOrEqual(253);
      } else expect(c.value).toBe(SHOWN(s));
      expect(cells.get(`C${i + 2}`)).toMatchObject({ s: "1", value: "46015.75" });
      expect(cells.get(`D${i + 2}`)).toMatchObject({ t: "b" });
    });
    expect(readFileSync(join(dir, "xl/workbook.xml"), "utf8")).toContain(
      '<sheet name="Candidates" sheetId="1"',
    );
  });

  it("splits 25 rows over 3 sheets with a limit of 10, all valid", async () => {
    const rows = Array.from({ length: 25 }, (_, i) => [i + 1, `r${i + 1}`]);
    const { dir } = await toFile(rows, 10);
    expect(assertWellFormed(dir)).toBe(9);
    const wb = readFileSync(join(dir, "xl/workbook.xml"), "utf8");
    const names = [...wb.matchAll(/<sheet name="([^"]*)"/g)].map((m) => m[1]!);
    expect(names).toEqual(["Candidates", "Candidates (2)", "Candidates (3)"]);
    const taken: string[] = [];
    for (const n of names) {
      expect(sheetName(n, taken)).toBe(n); // already valid and unique
      taken.push(n);
    }
    let total = 0;
    for (let s = 1; s <= 3; s++) {
      const xml = readFileSync(join(dir, `xl/worksheets/sheet${s}.xml`), "utf8");
      expect(readCells(xml).get("A1")?.value).toBe("ID");
      total += (xml.match(/<row /g) ?? []).length - 1;
    }
    expect(total).toBe(25);
  });

  it("destroys the stream when the rows fail, so no partial file passes as complete", async () => {
    async function* bad(): AsyncIterable<CellValue[]> {
      yield [1, "ok"];
      throw new Error("db went away");
    }
    const out = writeXlsx(bad(), { sheetName: "S", columns: [{ header: "a" }, { header: "b" }] });
    await expect(
      pipeline(out, createWriteStream(join(tmpdir(), `xlsx-bad-${process.pid}.xlsx`))),
    ).rejects.toThrow(/db went away/);
  });
});
