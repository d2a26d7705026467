/**
 * The two CSV dialects of docs/EXPORTS.md#csv-files. Both are RFC 4180: CRLF after every record, a
 * field quoted when it holds `,`, `"`, CR or LF, inner quotes doubled (RFC 4180 §2.6–2.7).
 *
 * - Human-facing (full data export, master CSV): UTF-8 with a BOM (Excel reads UTF-8 CSV reliably
 *   only with one), and formula escaping: a value starting with `=`, `+`, `-`, `@`, TAB, CR, LF,
 *   NUL or `'` gets a leading `'` (OWASP CSV Injection; ASVS 5.0 1.2.10). Values already starting
 *   with `'` are escaped too, so the rule is reversible: an importer strips exactly one leading
 *   `'` ({@link unescapeFormula}) and gets the stored value back (docs/EXPORTS.md#csv-files).
 * - Machine-facing (snapshot): no BOM, no escaping; values exactly as stored. NULL is an empty
 *   unquoted field and the empty string a quoted one (`""`), so an importer can tell them apart
 *   (RFC 4180 allows either spelling; `datapackage.json` declares `missingValues: [""]`).
 *
 * Text is written as UTF-8; a lone UTF-16 surrogate (which UTF-8 cannot carry) becomes U+FFFD.
 */
export interface CsvDialect {
  readonly bom: boolean;
  readonly escapeFormulas: boolean;
  /** How booleans are written. */
  readonly booleans: readonly [yes: string, no: string];
  /** Write the empty string as `""` so it differs from NULL (an empty unquoted field). */
  readonly quoteEmpty?: boolean;
}

export const HUMAN_CSV: CsvDialect = { bom: true, escapeFormulas: true, booleans: ["Yes", "No"] };
export const MACHINE_CSV: CsvDialect = {
  bom: false,
  escapeFormulas: false,
  booleans: ["true", "false"],
  quoteEmpty: true,
};

/** UTF-8 byte order mark. */
export const BOM = "\uFEFF";

/** A cell value before formatting; null and undefined are empty cells. */
export type CsvValue = string | number | bigint | boolean | null | undefined;

/** Characters that make a spreadsheet treat a cell as a formula, plus `'` (reversibility). */
const FORMULA_TRIGGER = /^[=+\-@\t\r\n\0']/;
const NEEDS_QUOTES = /[",\r\n]/;

/** `'` + value when the value would start a formula (or starts with `'`); else the value. */
export function escapeFormula(text: string): string {
  return FORMULA_TRIGGER.test(text) ? `'${text}` : text;
}

/** Inverse of {@link escapeFormula}: strips exactly one leading `'`. */
export function unescapeFormula(text: string): string {
  return text.startsWith("'") ? text.slice(1) : text;
}

/** One field as it appears in the file (escaped and quoted as the dialect says). */
export function csvField(value: CsvValue, dialect: CsvDialect): string {
  let text: string;
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") text = value ? dialect.booleans[0] : dialect.booleans[1];
  else text = String(value);
  if (dialect.escapeFormulas) text = escapeFormula(text);
  if (text === "" && dialect.quoteEmpty) return '""';
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated (RFC 4180 §2.1). */
export function csvLine(values: readonly CsvValue[], dialect: CsvDialect): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ",";
    line += csvField(values[i], dialect);
  }
  return `${line}\r\n`;
}
