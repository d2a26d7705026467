/**
 * Streaming SpreadsheetML writer (ECMA-376 Part 1 §18.3): one worksheet at a time is
 * generated as XML and streamed into the zip as a DEFLATE entry, so memory is constant
 * whatever the row count. A sheet full at Excel's 1,048,576 rows continues on
 * `<name> (2)`, `(3)`… with the header repeated (docs/EXPORTS.md#spreadsheet-cells).
 */
import type { ZipWriter } from "../zip/zip-writer.js";
import {
  type CellValue,
  columnLetters,
  encodeCell,
  MAX_COLUMNS,
  MAX_ROWS_PER_SHEET,
  STYLE_HEADER,
} from "./cell-value.js";
import { ChunkedReadable } from "./chunked-readable.js";
import {
  contentTypesXml,
  corePropsXml,
  rootRelsXml,
  type SheetInfo,
  sheetName,
  stylesXml,
  workbookRelsXml,
  workbookXml,
} from "./workbook-parts.js";

/** One column of the sheet: its header text and optional width in characters. */
export interface XlsxColumn {
  header: string;
  /** Column width in Excel character units (§18.3.1.13); default: Excel's own. */
  width?: number;
}

/** Options of {@link XlsxWriter}. */
export interface XlsxWriterOptions {
  /** Name of the first sheet (made valid by `sheetName`); later sheets add ` (2)`, ` (3)`… */
  sheetName: string;
  columns: XlsxColumn[];
  /** Rows per sheet including the header; Excel's limit by default. Lower it only in tests. */
  maxRowsPerSheet?: number;
  /** Creation time written to docProps/core.xml (default: now); pass the snapshot time. */
  created?: Date;
}

/** What {@link XlsxWriter.finish} reports. */
export interface XlsxSummary {
  /** Data rows written (headers excluded), over all sheets. */
  rows: number;
  /** Sheet names in order. */
  sheets: string[];
}

const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const SHEET_OPEN =
  '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">';
// Header row frozen: a pane split below row 1 (§18.3.1.66).
const SHEET_VIEWS =
  '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" state="frozen" ' +
  'activePane="bottomLeft"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>';

/**
 * DEFLATE level of worksheet parts. Measured on a 15,276-row Candidates sheet (16.3 MB of XML):
 * level 1 deflates it in 51 ms to 2.72 MB, zlib's default (6) in 121 ms to 2.41 MB; the deflate
 * was the slowest stage of the sheet (the main thread waited on it).
 */
const SHEET_DEFLATE_LEVEL = 1;

interface OpenSheet {
  out: ChunkedReadable;
  entry: Promise<void>;
  /** Rows written to this sheet, header included. */
  rows: number;
}

/**
 * Writes one logical table as worksheets into a {@link ZipWriter}. Call `addRow` for each
 * row (awaiting it: it applies the zip's backpressure), then `finish`, then finish the zip.
 * The zip takes one entry at a time: nothing else may be added to it until `finish` resolves.
 */
export class XlsxWriter {
  private readonly zip: ZipWriter;
  private readonly columns: XlsxColumn[];
  private readonly letters: string[];
  private readonly maxRows: number;
  private readonly baseName: string;
  private readonly created: Date;
  private readonly sheets: SheetInfo[] = [];
  private current: OpenSheet | null = null;
  private dataRows = 0;
  private finished = false;

  constructor(zip: ZipWriter, opts: XlsxWriterOptions) {
    if (opts.columns.length < 1 || opts.columns.length > MAX_COLUMNS) {
      throw new RangeError(`an xlsx sheet needs 1…${MAX_COLUMNS} columns, got ${opts.columns.length}`);
    }
    const maxRows = opts.maxRowsPerSheet ?? MAX_ROWS_PER_SHEET;
    if (!Number.isInteger(maxRows) || maxRows < 2 || maxRows > MAX_ROWS_PER_SHEET) {
      throw new RangeError(`maxRowsPerSheet must be an integer in 2…${MAX_ROWS_PER_SHEET}`);
    }
    this.zip = zip;
    this.columns = opts.columns;
    this.letters = opts.columns.map((_, i) => columnLetters(i));
    this.maxRows = maxRows;
    this.baseName = sheetName(opts.sheetName);
    this.created = opts.created ?? new Date();
  }

  /** Appends a data row (`values[i]` under column i; missing trailing values are empty). */
  addRow(values: readonly CellValue[]): Promise<void> {
    if (this.finished) return Promise.reject(new Error("XlsxWriter: addRow after finish"));
    if (values.length > this.letters.length) {
      return Promise.reject(
        new RangeError(`row has ${values.length} values but the sheet has ${this.letters.length} columns`),
      );
    }
    if (this.current === null || this.current.rows >= this.maxRows) return this.addRowSlow(values);
    return this.writeRow(this.current, values);
  }

  private async addRowSlow(values: readonly CellValue[]): Promise<void> {
    if (this.current !== null) await this.closeSheet();
    await this.openSheet();
    await this.writeRow(this.current!, values);
  }

  private writeRow(sheet: OpenSheet, values: readonly CellValue[]): Promise<void> {
    const r = ++sheet.rows;
    this.dataRows++;
    let xml = `<row r="${r}">`;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== null && v !== undefined) xml += encodeCell(this.letters[i]! + r, v);
    }
    return sheet.out.write(`${xml}</row>`);
  }

  private async openSheet(): Promise<void> {
    const index = this.sheets.length + 1;
    const name =
      index === 1
        ? this.baseName
        : sheetName(
            `${this.baseName.slice(0, 31 - ` (${index})`.length)} (${index})`,
            this.sheets.map((s) => s.name),
          );
    this.sheets.push({ name, filterRef: null });
    const out = new ChunkedReadable();
    const entry = this.zip.addEntry(`xl/worksheets/sheet${index}.xml`, out.stream, {
      compress: true,
      level: SHEET_DEFLATE_LEVEL,
    });
    // The zip may fail (output destroyed, disk full): stop the producer instead of hanging.
    entry.catch((err: unknown) => out.fail(err instanceof Error ? err : new Error(String(err))));
    const sheet: OpenSheet = { out, entry, rows: 1 };
    this.current = sheet;
    let cols = "";
    this.columns.forEach((c, i) => {
      if (c.width !== undefined && Number.isFinite(c.width) && c.width > 0) {
        const w = Math.min(c.width, 255); // Excel's maximum column width
        cols += `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`;
      }
    });
    let header = "";
    this.columns.forEach((c, i) => {
      header += encodeCell(`${this.letters[i]}1`, c.header, STYLE_HEADER);
    });
    await out.write(
      `${XML_DECL}${SHEET_OPEN}${SHEET_VIEWS}<sheetFormatPr defaultRowHeight="15"/>` +
        (cols ? `<cols>${cols}</cols>` : "") +
        `<sheetData><row r="1">${header}</row>`,
    );
  }

  private async closeSheet(): Promise<void> {
    const sheet = this.current!;
    this.current = null;
    // Autofilter over header + data (§18.3.1.2); CT_Worksheet puts it after sheetData.
    const ref = `A1:${this.letters[this.letters.length - 1]}${sheet.rows}`;
    this.sheets[this.sheets.length - 1]!.filterRef = ref;
    try {
      await sheet.out.write(`</sheetData><autoFilter ref="${ref}"/></worksheet>`);
      await sheet.out.end();
    } catch (err) {
      await sheet.entry; // surface the zip's own error when it caused ours
      throw err;
    }
    await sheet.entry;
  }

  /**
   * Ends the last sheet and adds the workbook parts. A table without rows still gets one
   * sheet holding the header. Does not finish the zip.
   */
  async finish(): Promise<XlsxSummary> {
    if (this.finished) throw new Error("XlsxWriter: finish called twice");
    this.finished = true;
    if (this.current === null && this.sheets.length === 0) await this.openSheet();
    if (this.current !== null) await this.closeSheet();
    const n = this.sheets.length;
    const parts: [string, string][] = [
      ["[Content_Types].xml", contentTypesXml(n)],
      ["_rels/.rels", rootRelsXml()],
      ["docProps/core.xml", corePropsXml(this.created)],
      ["xl/workbook.xml", workbookXml(this.sheets)],
      ["xl/_rels/workbook.xml.rels", workbookRelsXml(n)],
      ["xl/styles.xml", stylesXml()],
    ];
    for (const [name, xml] of parts) {
      await this.zip.addEntry(name, Buffer.from(xml, "utf8"), { compress: true });
    }
    return { rows: this.dataRows, sheets: this.sheets.map((s) => s.name) };
  }
}
