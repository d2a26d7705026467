/**
 * The backup's `Candidates.xlsx` (docs/EXPORTS.md#the-monthly-backup,
 * docs/EXPORTS.md#the-candidates-excel-report, docs/EXPORTS.md#names-and-cells), itself a zip: it
 * must open, every part must pass its CRC-32, `xl/workbook.xml` must list the sheets `Candidates`,
 * `Candidates (2)`, … (a sheet holds at most 1,048,576 rows, and only the last may hold fewer),
 * each sheet must be whole, start with the report's header (the columns of
 * docs/EXPORTS.md#the-candidates-excel-report, then custom fields), and its rows are counted. Each
 * non-empty *Resume File* cell is handed to the caller, which matches it with the outer zip's
 * `Resumes/` entries.
 */
import { BASE_COLUMNS, REPORT_SHEET_NAME } from "../exports/candidates-report/index.js";
import { MAX_ROWS_PER_SHEET } from "../exports/xlsx/cell-value.js";
import { archiveProblem, openZip, type VerifyContext } from "./archive-pass.js";
import { count, inZip } from "./checks.js";
import { readEntries, reportTally } from "./entry-reader.js";
import { type SheetSummary, sheetConsumer, xmlUnescape } from "./xlsx-sheet.js";

const RESUME_FILE = "Resume File";
const MAX_PART_BYTES = 16 * 1024 * 1024;

/** A worksheet of the workbook: its name and its part. */
interface SheetPart {
  name: string;
  part: string;
}

/** Column letters → 0-based index (`A` → 0, `AA` → 26). */
function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function attrOf(tag: string, name: string): string | undefined {
  const v = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  return v === undefined ? undefined : xmlUnescape(v);
}

/** The sheets in workbook order, with their parts (through `xl/_rels/workbook.xml.rels`). */
async function listSheets(read: (part: string) => Promise<string>): Promise<SheetPart[]> {
  const targets = new Map<string, string>();
  for (const [tag] of (await read("xl/_rels/workbook.xml.rels")).matchAll(/<Relationship\b[^>]*>/g)) {
    const id = attrOf(tag, "Id");
    const target = attrOf(tag, "Target");
    if (id && target) targets.set(id, target.startsWith("/") ? target.slice(1) : `xl/${target}`);
  }
  const sheets: SheetPart[] = [];
  for (const [tag] of (await read("xl/workbook.xml")).matchAll(/<sheet\b[^>]*>/g)) {
    const part = targets.get(attrOf(tag, "r:id") ?? "");
    if (!part) throw new Error(`sheet ${attrOf(tag, "name")} has no worksheet part`);
    sheets.push({ name: attrOf(tag, "name") ?? "", part });
  }
  if (sheets.length === 0) throw new Error("xl/workbook.xml lists no sheet");
  return sheets;
}

/**
 * Checks the workbook extracted to `file` (`label`: how the report names it); `onResume` gets
 * each Resume File cell with where it is. Resolves with the number of data rows, or null.
 */
export async function checkWorkbook(
  ctx: VerifyContext,
  file: string,
  label: string,
  onResume: (path: string, where: string) => void,
): Promise<number | null> {
  const zip = await openZip(ctx, file, label);
  if (!zip) return null;
  try {
    let sheets: SheetPart[];
    try {
      sheets = await listSheets((part) => zip.archive.readText(part, MAX_PART_BYTES));
    } catch (err) {
      ctx.checks.fail(label, `not a readable workbook: ${archiveProblem(err)}`);
      return null;
    }
    const names = sheets.map((s) => s.name);
    const expected = names.map((_, i) => (i === 0 ? REPORT_SHEET_NAME : `${REPORT_SHEET_NAME} (${i + 1})`));
    if (names.join("\u0000") !== expected.join("\u0000"))
      ctx.checks.fail(
        label,
        `sheets are ${names.join(", ")}; ${expected.join(", ")} expected (docs/EXPORTS.md#names-and-cells)`,
      );

    for (const s of sheets)
      if (!zip.archive.entries.has(s.part))
        ctx.checks.fail(label, `sheet ${s.name}: its part ${s.part} is absent`);

    const seen = { header: null as string | null, resumeColumn: null as string | null, dataRows: 0 };
    const summaries = new Map<string, SheetSummary>();
    const onHeader = (sheet: SheetPart, cells: ReadonlyMap<string, string>) => {
      const texts = [...cells].sort((a, b) => columnIndex(a[0]) - columnIndex(b[0])).map(([, t]) => t);
      const joined = texts.join("\u0000");
      if (seen.header !== null) {
        if (joined !== seen.header)
          ctx.checks.fail(inZip(sheet.part, label), "header differs from the first sheet's");
        return;
      }
      seen.header = joined;
      if (BASE_COLUMNS.some((c, i) => texts[i] !== c.header))
        ctx.checks.fail(
          inZip(sheet.part, label),
          `header is not the Candidates report's (docs/EXPORTS.md#the-candidates-excel-report): ${texts.join(", ")}`,
        );
      seen.resumeColumn = [...cells].find(([, t]) => t === RESUME_FILE)?.[0] ?? null;
    };
    const consumerOf = (sheet: SheetPart) =>
      sheetConsumer(
        (row, cells) => {
          if (row === 1) return onHeader(sheet, cells);
          seen.dataRows++;
          const path = seen.resumeColumn ? cells.get(seen.resumeColumn) : undefined;
          if (path) onResume(path, `row ${row} of sheet ${sheet.name}`);
        },
        (summary) => summaries.set(sheet.part, summary),
      );
    const byPart = new Map(sheets.map((s) => [s.part, s]));
    const order = [
      ...sheets.map((s) => s.part),
      ...[...zip.archive.entries.keys()].filter((n) => !byPart.has(n)),
    ];
    const tally = await readEntries(ctx, zip, order, {
      consumer: (entry) => {
        const sheet = byPart.get(entry.name);
        return sheet ? consumerOf(sheet) : undefined;
      },
    });
    reportTally(ctx, zip, tally);
    sheets.forEach((sheet, i) => {
      const s = summaries.get(sheet.part);
      if (!s) return; // absent or damaged: already a FAIL
      const subject = inZip(sheet.part, label);
      if (!s.complete) ctx.checks.fail(subject, "cut short: no </sheetData></worksheet> at its end");
      if (s.sharedStringCells)
        ctx.checks.fail(
          subject,
          `${count(s.sharedStringCells, "cell")} use shared strings, which Hirevault never writes`,
        );
      if (s.rows > MAX_ROWS_PER_SHEET)
        ctx.checks.fail(subject, `${count(s.rows, "row")}: more than Excel's ${count(MAX_ROWS_PER_SHEET)}`);
      else if (i < sheets.length - 1 && s.rows !== MAX_ROWS_PER_SHEET)
        ctx.checks.fail(
          subject,
          `${count(s.rows, "row")}, but a sheet continues on the next only when full (${count(MAX_ROWS_PER_SHEET)})`,
        );
    });
    if (seen.header !== null && seen.resumeColumn === null)
      ctx.checks.fail(label, `no "${RESUME_FILE}" column`);
    ctx.checks.pass(
      label,
      `${count(seen.dataRows, "row")} in ${count(sheets.length, "sheet")} (${names.join(", ")})`,
    );
    return seen.dataRows;
  } finally {
    await zip.archive.close();
  }
}
