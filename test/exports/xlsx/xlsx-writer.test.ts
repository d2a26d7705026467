import { describe, expect, it } from "vitest";
import type { CellValue } from "../../../src/exports/xlsx/cell-value.js";
import { XlsxWriter } from "../../../src/exports/xlsx/xlsx-writer.js";
import { TRUNCATION_MARKER } from "../../../src/exports/xlsx/xml.js";
import { assertWellFormed, HOSTILE, MemoryZip, readCells, SHOWN } from "./helpers.js";

const COLUMNS = [
  { header: "Candidate ID", width: 12 },
  { header: "Name", width: 30 },
  { header: "Added" },
  { header: "Archived?" },
];

async function write(rows: CellValue[][], opts: { maxRowsPerSheet?: number; delayMs?: number } = {}) {
  const zip = new MemoryZip(opts.delayMs);
  const w = new XlsxWriter(zip.asZip(), {
    sheetName: "Candidates",
    columns: COLUMNS,
    maxRowsPerSheet: opts.maxRowsPerSheet,
  });
  for (const r of rows) await w.addRow(r);
  const summary = await w.finish();
  return { zip, summary };
}

describe("XlsxWriter", () => {
  it("writes a typed, well-formed workbook with a frozen bold header, widths and autofilter", async () => {
    const added = new Date("2025-06-01T09:30:00Z");
    const { zip, summary } = await write([
      [1, "Anna", added, false],
      [2, null, undefined, true],
    ]);
    expect(summary).toEqual({ rows: 2, sheets: ["Candidates"] });
    expect([...zip.entries.keys()].sort()).toEqual([
      "[Content_Types].xml",
      "_rels/.rels",
      "docProps/core.xml",
      "xl/_rels/workbook.xml.rels",
      "xl/styles.xml",
      "xl/workbook.xml",
      "xl/worksheets/sheet1.xml",
    ]);
    expect(zip.options.get("xl/worksheets/sheet1.xml")).toEqual({ compress: true, level: 1 });
    expect(assertWellFormed(zip.dump())).toBe(7);
    const sheet = zip.text("xl/worksheets/sheet1.xml");
    expect(sheet).toContain('<pane ySplit="1" topLeftCell="A2" state="frozen" activePane="bottomLeft"/>');
    expect(sheet).toContain(
      '<col min="1" max="1" width="12" customWidth="1"/><col min="2" max="2" width="30" customWidth="1"/>',
    );
    expect(sheet).toContain('<autoFilter ref="A1:D3"/>');
    const cells = readCells(sheet);
    expect(cells.get("A1")).toMatchObject({ t: "inlineStr", s: "2", value: "Candidate ID" });
    expect(cells.get("D1")).toMatchObject({ s: "2", value: "Archived?" });
    expect(cells.get("A2")).toMatchObject({ t: null, value: "1" });
    expect(cells.get("B2")).toMatchObject({ t: "inlineStr", value: "Anna" });
    expect(cells.get("C2")).toMatchObject({ s: "1", value: String(added.getTime() / 86_400_000 + 25_569) });
    expect(cells.get("D2")).toMatchObject({ t: "b", value: "0" });
    expect(cells.has("B3")).toBe(false);
    expect(cells.has("C3")).toBe(false);
    expect(cells.get("D3")).toMatchObject({ t: "b", value: "1" });
    expect(zip.text("xl/workbook.xml")).toContain("'Candidates'!$A$1:$D$3");
  });

  it("keeps hostile strings literal, never a formula, within Excel's limits (1.1, 1.5, 1.6, 1.8, 1.10)", async () => {
    const { zip } = await write(HOSTILE.map((s, i) => [i, s]));
    expect(assertWellFormed(zip.dump())).toBe(7);
    for (const [name, data] of zip.entries) expect(data.toString("utf8"), name).not.toMatch(/<f[\s>/]/);
    const cells = readCells(zip.text("xl/worksheets/sheet1.xml"));
    HOSTILE.forEach((s, i) => {
      const c = cells.get(`B${i + 2}`)!;
      expect(c.t).toBe("inlineStr");
      expect(c.value.length).toBeLessThanOrEqual(32_767);
      expect(c.value.split("\n").length - 1).toBeLessThanOrEqual(253);
      if (s.length > 32_767 || s.split("\n").length - 1 > 253) {
        expect(c.value.endsWith(TRUNCATION_MARKER)).toBe(true);
        expect(s.startsWith(c.value.slice(0, -TRUNCATION_MARKER.length))).toBe(true);
      } else expect(c.value).toBe(SHOWN(s));
    });
  });

  it("splits at the row limit onto numbered sheets with the header repeated (1.7)", async () => {
    const rows = Array.from({ length: 25 }, (_, i) => [i + 1, `row ${i + 1}`]);
    const { zip, summary } = await write(rows, { maxRowsPerSheet: 10 });
    expect(summary).toEqual({ rows: 25, sheets: ["Candidates", "Candidates (2)", "Candidates (3)"] });
    expect(assertWellFormed(zip.dump())).toBe(9);
    const seen: number[] = [];
    for (let s = 1; s <= 3; s++) {
      const xml = zip.text(`xl/worksheets/sheet${s}.xml`);
      const cells = readCells(xml);
      expect(cells.get("A1")?.value).toBe("Candidate ID");
      const dataRows = (xml.match(/<row /g) ?? []).length - 1;
      expect(dataRows).toBe(s < 3 ? 9 : 7);
      expect(xml).toContain(`<autoFilter ref="A1:D${dataRows + 1}"/>`);
      for (let r = 2; r <= dataRows + 1; r++) seen.push(Number(cells.get(`A${r}`)!.value));
    }
    expect(seen).toEqual(rows.map((r) => r[0]));
    const wb = zip.text("xl/workbook.xml");
    expect(wb).toContain('<sheet name="Candidates (3)" sheetId="3" r:id="rId3"/>');
    expect(zip.text("[Content_Types].xml")).toContain("/xl/worksheets/sheet3.xml");
    expect(zip.text("xl/_rels/workbook.xml.rels")).toContain('Target="worksheets/sheet3.xml"');
  });

  it("fills a sheet exactly without opening an empty one", async () => {
    const { summary } = await write(
      Array.from({ length: 9 }, (_, i) => [i]),
      { maxRowsPerSheet: 10 },
    );
    expect(summary.sheets).toEqual(["Candidates"]);
  });

  it("writes a header-only sheet for an empty table", async () => {
    const { zip, summary } = await write([]);
    expect(summary).toEqual({ rows: 0, sheets: ["Candidates"] });
    expect(zip.text("xl/worksheets/sheet1.xml")).toContain('<autoFilter ref="A1:D1"/>');
  });

  it("waits for a slow consumer (backpressure) and streams in ~64 KB chunks", async () => {
    const zip = new MemoryZip(5);
    const w = new XlsxWriter(zip.asZip(), { sheetName: "S", columns: COLUMNS });
    let pendingSeen = false;
    for (let i = 0; i < 3000; i++) {
      let done = false;
      const p = w.addRow([i, "y".repeat(200)]).then(() => {
        done = true;
      });
      await Promise.resolve();
      if (!done) pendingSeen = true;
      await p;
    }
    await w.finish();
    expect(pendingSeen).toBe(true);
    expect(readCells(zip.text("xl/worksheets/sheet1.xml")).get("A3001")?.value).toBe("2999");
  });

  it("rejects rows wider than the columns and use after finish", async () => {
    const zip = new MemoryZip();
    const w = new XlsxWriter(zip.asZip(), { sheetName: "S", columns: [{ header: "a" }] });
    await expect(w.addRow([1, 2])).rejects.toThrow(RangeError);
    await w.finish();
    await expect(w.addRow([1])).rejects.toThrow(/after finish/);
    expect(() => new XlsxWriter(zip.asZip(), { sheetName: "S", columns: [] })).toThrow(RangeError);
  });

  it("stops with the zip's error instead of hanging", async () => {
    const failing = {
      addEntry: async (_: string, src: NodeJS.ReadableStream) => {
        (src as unknown as { destroy(): void }).destroy();
        throw new Error("disk full");
      },
    };
    const w = new XlsxWriter(failing as never, { sheetName: "S", columns: [{ header: "a" }] });
    await expect(
      (async () => {
        for (let i = 0; i < 100_000; i++) await w.addRow(["z".repeat(100)]);
      })(),
    ).rejects.toThrow(/disk full|closed/);
  });
});
