/**
 * The fixed parts of a workbook package (ECMA-376 Part 1 §12.2 and Part 2 OPC) and the
 * sheet-name rules. Worksheets themselves are streamed by xlsx-writer.ts.
 */
import { xmlText } from "./xml.js";

const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships";
const REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml";

/** Excel's sheet-name length limit. */
export const MAX_SHEET_NAME = 31;

/** What workbook.xml needs to know about one worksheet. */
export interface SheetInfo {
  /** A name already made valid by {@link sheetName}. */
  name: string;
  /** Autofilter range such as `A1:R1200`, or null for none. */
  filterRef: string | null;
}

/** `[Content_Types].xml` for `sheetCount` worksheets (OPC Part 2 §10.1.2). */
export function contentTypesXml(sheetCount: number): string {
  let overrides = "";
  for (let i = 1; i <= sheetCount; i++) {
    overrides += `<Override PartName="/xl/worksheets/sheet${i}.xml" ContentType="${CT_MAIN}.worksheet+xml"/>`;
  }
  return (
    `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `<Override PartName="/xl/workbook.xml" ContentType="${CT_MAIN}.sheet.main+xml"/>` +
    `<Override PartName="/xl/styles.xml" ContentType="${CT_MAIN}.styles+xml"/>` +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
    overrides +
    "</Types>"
  );
}

/** `_rels/.rels`: the package points at the workbook and the core properties. */
export function rootRelsXml(): string {
  return (
    `${XML_DECL}<Relationships xmlns="${NS_PKG_REL}">` +
    `<Relationship Id="rId1" Type="${REL_TYPE}/officeDocument" Target="xl/workbook.xml"/>` +
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
    "</Relationships>"
  );
}

/** `docProps/core.xml` (Part 2 §11): creator and creation time, for stable output. */
export function corePropsXml(created: Date): string {
  const iso = `${created.toISOString().slice(0, 19)}Z`;
  return (
    `${XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    "<dc:creator>Hirevault</dc:creator>" +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${iso}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${iso}</dcterms:modified>` +
    "</cp:coreProperties>"
  );
}

/** A sheet name quoted for a formula reference (`'It''s'!$A$1`), §18.17.2. */
function quotedSheet(name: string): string {
  return `'${name.replaceAll("'", "''")}'`;
}

/** Absolute form of `A1:R9` → `$A$1:$R$9`. */
function absoluteRef(ref: string): string {
  return ref.replace(/([A-Z]+)(\d+)/g, "$$$1$$$2");
}

/**
 * `xl/workbook.xml`: the sheet list and, per sheet with an autofilter, the hidden
 * `_xlnm._FilterDatabase` name Excel itself writes alongside `<autoFilter>` (§18.2.6).
 */
export function workbookXml(sheets: SheetInfo[]): string {
  let list = "";
  let names = "";
  sheets.forEach((s, i) => {
    list += `<sheet name="${xmlText(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`;
    if (s.filterRef) {
      const ref = `${quotedSheet(s.name)}!${absoluteRef(s.filterRef)}`;
      names += `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">${xmlText(ref)}</definedName>`;
    }
  });
  return (
    `${XML_DECL}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
    '<bookViews><workbookView activeTab="0"/></bookViews>' +
    `<sheets>${list}</sheets>` +
    (names ? `<definedNames>${names}</definedNames>` : "") +
    "</workbook>"
  );
}

/** `xl/_rels/workbook.xml.rels`: rId1…rIdN → worksheets, then the styles part. */
export function workbookRelsXml(sheetCount: number): string {
  let rels = "";
  for (let i = 1; i <= sheetCount; i++) {
    rels += `<Relationship Id="rId${i}" Type="${REL_TYPE}/worksheet" Target="worksheets/sheet${i}.xml"/>`;
  }
  rels += `<Relationship Id="rId${sheetCount + 1}" Type="${REL_TYPE}/styles" Target="styles.xml"/>`;
  return `${XML_DECL}<Relationships xmlns="${NS_PKG_REL}">${rels}</Relationships>`;
}

/**
 * `xl/styles.xml` (§18.8). `cellXfs`: 0 default, 1 date `yyyy-mm-dd hh:mm` (custom numFmt
 * ids start at 164, §18.8.30), 2 bold header. Two fills are mandatory for Excel (none, gray125).
 */
export function stylesXml(): string {
  const font = (bold: boolean) =>
    `<font>${bold ? "<b/>" : ""}<sz val="11"/><name val="Calibri"/><family val="2"/></font>`;
  return (
    `${XML_DECL}<styleSheet xmlns="${NS_MAIN}">` +
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>' +
    `<fonts count="2">${font(false)}${font(true)}</fonts>` +
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
    "</styleSheet>"
  );
}

// Forbidden by Excel in sheet names, plus control characters (never valid in a name).
const FORBIDDEN_IN_NAME = /[:\\/?*[\]\x00-\x1F\x7F]/g;

function clean(raw: string, max: number): string {
  let s = raw.normalize("NFC").replace(FORBIDDEN_IN_NAME, "_").trim();
  if (s.length > max) {
    s = s.slice(0, max);
    const last = s.charCodeAt(s.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) s = s.slice(0, -1);
  }
  // Excel rejects a leading or trailing apostrophe (it quotes names with them in formulas).
  return s.replace(/^'+|'+$/g, "").trim();
}

/**
 * A valid, unique worksheet name from user text (docs/EXPORTS.md#spreadsheet-cells): `: \ / ? * [
 * ]` and controls become `_`; at most 31 UTF-16 units (a surrogate pair is never split); no leading
 * or trailing `'`; empty → `Sheet`; `History` is reserved by Excel; a name equal to one in
 * `taken` (case-insensitively, as Excel compares) gets ` (2)`, ` (3)`… within 31 units.
 * The caller adds the result to `taken`.
 */
export function sheetName(raw: string, taken: Iterable<string> = []): string {
  const used = new Set<string>(["history"]);
  for (const t of taken) used.add(t.toLowerCase());
  const base = clean(raw, MAX_SHEET_NAME) || "Sheet";
  if (!used.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const candidate = (clean(base, MAX_SHEET_NAME - suffix.length) || "Sheet") + suffix;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}
