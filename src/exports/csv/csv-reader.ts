/**
 * A streaming RFC 4180 reader for the CSVs Hirevault writes (both dialects of csv-dialect.ts):
 * records end with CRLF (a bare LF is accepted too), fields are quoted when they hold `,`, `"`,
 * CR or LF, inner quotes are doubled. It keeps what generic readers throw away: whether each
 * field was quoted, because the machine dialect spells NULL as an empty unquoted field and the
 * empty string as `""`. A leading UTF-8 BOM (human dialect) is skipped.
 *
 * Input is read chunk by chunk; only the current record is held.
 */
import { StringDecoder } from "node:string_decoder";

/** One record of the file. */
export interface CsvRecord {
  fields: string[];
  /** Per field: it was written between quotes. */
  quoted: boolean[];
  /** 1-based line of the file where the record starts (for error messages). */
  line: number;
}

/** The file is not RFC 4180 CSV; the message names the line. */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "CsvSyntaxError";
  }
}

/** Parser states (plain numbers: the closure below mutates the state, which TS cannot narrow). */
const State = { FieldStart: 0, Unquoted: 1, Quoted: 2, QuoteInQuoted: 3, AfterCr: 4 } as const;
type State = (typeof State)[keyof typeof State];

/** Reads records from a byte stream (a file, a zip entry). The header is the first record. */
export async function* readCsvRecords(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
): AsyncGenerator<CsvRecord> {
  const decoder = new StringDecoder("utf8");
  let state: State = State.FieldStart as State;
  let field = "";
  let fields: string[] = [];
  let quoted: boolean[] = [];
  let isQuoted = false;
  let line = 1;
  let recordLine = 1;
  /** A quoted field's CR was the last character read (see the Quoted state). */
  let crAtEnd = false;
  let first = true;
  let out: CsvRecord[] = [];

  const endField = () => {
    fields.push(field);
    quoted.push(isQuoted);
    field = "";
    isQuoted = false;
  };
  const endRecord = () => {
    endField();
    out.push({ fields, quoted, line: recordLine });
    fields = [];
    quoted = [];
  };

  const feed = (text: string) => {
    let i = 0;
    const n = text.length;
    if (crAtEnd && n > 0) {
      crAtEnd = false;
      if (text.charCodeAt(0) !== 10) line++;
    }
    while (i < n) {
      switch (state) {
        case State.AfterCr: {
          // CR ended the record; swallow the LF of CRLF.
          state = State.FieldStart;
          if (text.charCodeAt(i) === 10) i++;
          recordLine = line;
          break;
        }
        case State.FieldStart: {
          const c = text.charCodeAt(i);
          if (c === 34) {
            isQuoted = true;
            state = State.Quoted;
            i++;
          } else state = State.Unquoted;
          break;
        }
        case State.Unquoted: {
          // Scan to the next delimiter in one step: most fields are short and unquoted.
          let j = i;
          while (j < n) {
            const c = text.charCodeAt(j);
            if (c === 44 || c === 13 || c === 10 || c === 34) break;
            j++;
          }
          field += text.slice(i, j);
          i = j;
          if (j === n) break;
          const c = text.charCodeAt(j);
          i++;
          if (c === 44) {
            endField();
            state = State.FieldStart;
          } else if (c === 34) {
            throw new CsvSyntaxError('a quote (") inside an unquoted field', line);
          } else {
            endRecord();
            line++;
            if (c === 13) state = State.AfterCr;
            else {
              state = State.FieldStart;
              recordLine = line;
            }
          }
          break;
        }
        case State.Quoted: {
          const j = text.indexOf('"', i);
          const end = j === -1 ? n : j;
          const chunk = text.slice(i, end);
          // Lines as an editor counts them: CRLF, LF and a lone CR each end one. A CR that ends
          // the input so far waits for the next chunk to tell whether an LF follows it.
          for (let k = 0; k < chunk.length; k++) {
            const c = chunk.charCodeAt(k);
            if (c === 10) line++;
            else if (c === 13) {
              if (k + 1 < chunk.length || j !== -1) {
                if (chunk.charCodeAt(k + 1) !== 10) line++;
              } else crAtEnd = true;
            }
          }
          field += chunk;
          i = end;
          if (j !== -1) {
            i++;
            state = State.QuoteInQuoted;
          }
          break;
        }
        case State.QuoteInQuoted: {
          const c = text.charCodeAt(i);
          if (c === 34) {
            field += '"';
            state = State.Quoted;
            i++;
          } else if (c === 44) {
            endField();
            state = State.FieldStart;
            i++;
          } else if (c === 13 || c === 10) {
            endRecord();
            line++;
            i++;
            if (c === 13) state = State.AfterCr;
            else {
              state = State.FieldStart;
              recordLine = line;
            }
          } else {
            throw new CsvSyntaxError("text after the closing quote of a field", line);
          }
          break;
        }
      }
    }
  };

  for await (const chunk of source) {
    let text = typeof chunk === "string" ? chunk : decoder.write(chunk);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    feed(text);
    if (out.length) {
      const ready = out;
      out = [];
      yield* ready;
    }
  }
  feed(decoder.end());
  if (state === State.Quoted) throw new CsvSyntaxError("a quoted field is not closed", recordLine);
  // A last record without a line break (RFC 4180 §2.2 allows it).
  if (state === State.Unquoted || state === State.QuoteInQuoted || fields.length > 0) endRecord();
  yield* out;
}
