/**
 * PostgreSQL's `COPY … (FORMAT csv)` output made into our CSV records: COPY ends records with LF,
 * RFC 4180 §2.1 (and docs/EXPORTS.md#names-and-cells) with CRLF. Everything else COPY writes is
 * already what `csv-dialect.ts` writes for the machine dialect: a field quoted when it holds `,`,
 * `"`, CR or LF, inner quotes doubled, NULL an empty unquoted field, the empty string `""`.
 *
 * An LF outside quotes ends a record; one inside a quoted field is data and is kept as it is. The
 * quote state carries across chunks (a `""` split between two chunks toggles twice, as it should).
 * Records are counted on the way through.
 */

const QUOTE = 0x22;
const LF = 0x0a;
const CRLF = Buffer.from("\r\n");

export class CopyCsvLines {
  /** Records seen so far. */
  rows = 0;
  private quoted = false;

  /** The chunk with every record-ending LF made CRLF. */
  convert(chunk: Buffer): Buffer {
    const parts: Buffer[] = [];
    let start = 0;
    let pos = 0;
    let nextQuote = chunk.indexOf(QUOTE, 0);
    while (pos < chunk.length) {
      if (this.quoted) {
        // Inside a field: only a quote can end it.
        if (nextQuote < 0) break;
        this.quoted = false;
        pos = nextQuote + 1;
        nextQuote = chunk.indexOf(QUOTE, pos);
        continue;
      }
      const lf = chunk.indexOf(LF, pos);
      if (nextQuote >= 0 && (lf < 0 || nextQuote < lf)) {
        this.quoted = true;
        pos = nextQuote + 1;
        nextQuote = chunk.indexOf(QUOTE, pos);
        continue;
      }
      if (lf < 0) break;
      parts.push(chunk.subarray(start, lf), CRLF);
      start = pos = lf + 1;
      this.rows++;
    }
    if (parts.length === 0) return chunk;
    if (start < chunk.length) parts.push(chunk.subarray(start));
    return Buffer.concat(parts);
  }
}
