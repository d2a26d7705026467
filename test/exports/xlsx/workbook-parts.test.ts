import { describe, expect, it } from "vitest";
import {
  contentTypesXml,
  corePropsXml,
  rootRelsXml,
  sheetName,
  stylesXml,
  workbookRelsXml,
  workbookXml,
} from "../../../src/exports/xlsx/workbook-parts.js";
import { assertWellFormed, MemoryZip } from "./helpers.js";

/** Excel's rules (docs/EXPORTS.md#spreadsheet-cells). */
function assertValidSheetName(n: string): void {
  expect(n.length).toBeGreaterThanOrEqual(1);
  expect(n.length).toBeLessThanOrEqual(31);
  expect(n).not.toMatch(/[:\\/?*[\]]/);
  expect(n).not.toMatch(/^'|'$/);
  expect(n.toLowerCase()).not.toBe("history");
}

describe("sheetName (docs/EXPORTS.md#spreadsheet-cells)", () => {
  it.each([
    ["Q1/Q2: [Sales]*", "Q1_Q2_ _Sales__"],
    ["A".repeat(40), "A".repeat(31)],
    ["'x'", "x"],
    ["History", "History (2)"],
    ["history", "history (2)"],
    ["", "Sheet"],
    ["''", "Sheet"],
    ["tab\there", "tab_here"],
    ["Candidates", "Candidates"],
  ])("%j → %j", (raw, expected) => {
    const n = sheetName(raw);
    expect(n).toBe(expected);
    assertValidSheetName(n);
  });

  it("makes names unique case-insensitively with (2), (3) within 31 chars", () => {
    const taken: string[] = [];
    for (const raw of ["Sales", "SALES", "sales", "Sales (2)", "B".repeat(40), "b".repeat(35)]) {
      const n = sheetName(raw, taken);
      assertValidSheetName(n);
      taken.push(n);
    }
    expect(taken).toEqual([
      "Sales",
      "SALES (2)",
      "sales (3)",
      "Sales (2) (2)",
      "B".repeat(31),
      `${"b".repeat(27)} (2)`,
    ]);
    expect(new Set(taken.map((t) => t.toLowerCase())).size).toBe(taken.length);
  });

  it("never splits a surrogate pair and never ends with an apostrophe after cutting", () => {
    const n = sheetName(`${"x".repeat(30)}😀`);
    expect(n).toBe("x".repeat(30));
    expect(sheetName(`${"y".repeat(30)}'z`)).toBe("y".repeat(30));
  });
});

describe("fixed workbook parts", () => {
  it("are well-formed XML", () => {
    const zip = new MemoryZip();
    const parts: [string, string][] = [
      ["[Content_Types].xml", contentTypesXml(3)],
      ["_rels/.rels", rootRelsXml()],
      ["docProps/core.xml", corePropsXml(new Date("2026-01-02T03:04:05.678Z"))],
      [
        "xl/workbook.xml",
        workbookXml([
          { name: "It's & <ok>", filterRef: "A1:C10" },
          { name: "Two", filterRef: null },
        ]),
      ],
      ["xl/_rels/workbook.xml.rels", workbookRelsXml(3)],
      ["xl/styles.xml", stylesXml()],
    ];
    for (const [name, xml] of parts) zip.entries.set(name, Buffer.from(xml));
    expect(assertWellFormed(zip.dump())).toBe(parts.length);
  });

  it("quotes sheet names in the filter database name", () => {
    const xml = workbookXml([{ name: "It's", filterRef: "A1:R9" }]);
    expect(xml).toContain(
      '<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">\'It\'\'s\'!$A$1:$R$9</definedName>',
    );
    expect(xml).toContain('<sheet name="It\'s" sheetId="1" r:id="rId1"/>');
  });

  it("declares the date and bold header styles", () => {
    const xml = stylesXml();
    expect(xml).toContain('formatCode="yyyy-mm-dd hh:mm"');
    expect(xml).toMatch(/<cellXfs count="3">.*numFmtId="164".*fontId="1"/);
  });
});
