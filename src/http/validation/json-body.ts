import { isUtf8 } from "node:buffer";
import type { FastifyRequest } from "fastify";
import type { FieldError } from "../../domain/errors.js";
import { ValidationError } from "../../domain/errors.js";
import type { App } from "../types.js";
import { pointerToField } from "./validator-compiler.js";

/**
 * JSON bodies must be UTF-8 (RFC 8259 §8.1). Fastify's own parser decodes the bytes leniently, so
 * an invalid sequence was stored as U+FFFD — the client's data silently changed. This parser
 * reads the body as bytes: valid UTF-8 (nearly every body) goes to Fastify's parser unchanged
 * (prototype-poisoning checks included); otherwise the fields holding invalid bytes are named
 * in a 422, and nothing is parsed into the request.
 */
export function registerJsonBodyParser(app: App): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    const bytes = body as Buffer;
    if (isUtf8(bytes)) return parse(request as FastifyRequest, bytes.toString("utf8"), done);
    // Each invalid byte becomes a lone low surrogate (U+DC80–U+DCFF, as Python's surrogateescape),
    // which valid UTF-8 cannot produce, so the fields that hold one can be found after parsing.
    parse(request as FastifyRequest, decodeMarkingInvalid(bytes), (err, value) => {
      if (err) return done(err, undefined);
      const errors: FieldError[] = [];
      findMarked(value, "", errors);
      if (errors.length === 0) errors.push({ field: "(root)", message: "is not valid UTF-8" });
      done(new ValidationError(errors), undefined);
    });
  });
}

const MARK = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;

/** UTF-8 decoding that turns every byte not part of a valid sequence into U+DC00 + byte. */
export function decodeMarkingInvalid(bytes: Buffer): string {
  let out = "";
  let runStart = 0;
  let i = 0;
  while (i < bytes.length) {
    const n = validSequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += bytes.toString("utf8", runStart, i) + String.fromCharCode(0xdc00 | bytes[i]!);
    i += 1;
    runStart = i;
  }
  return out + bytes.toString("utf8", runStart);
}

/** Length of the well-formed UTF-8 sequence at `i` (Unicode Table 3-7), or 0. */
function validSequenceLength(b: Buffer, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n === 0 || i + n > b.length) return 0;
  for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  const c1 = b[i + 1]!;
  if (c === 0xe0 && c1 < 0xa0) return 0; // overlong
  if (c === 0xed && c1 >= 0xa0) return 0; // a UTF-16 surrogate
  if (c === 0xf0 && c1 < 0x90) return 0; // overlong
  if (c === 0xf4 && c1 >= 0x90) return 0; // above U+10FFFF
  return n;
}

/** Names every key or string value that holds a mark, as `emails[0].email`. */
function findMarked(value: unknown, pointer: string, errors: FieldError[]): void {
  if (errors.length >= 50) return;
  const at = () => pointerToField(pointer) || "(root)";
  if (typeof value === "string") {
    if (MARK.test(value)) errors.push({ field: at(), message: "is not valid UTF-8" });
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) findMarked(v, `${pointer}/${i}`, errors);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const child = `${pointer}/${k.replaceAll("~", "~0").replaceAll("/", "~1")}`;
      if (MARK.test(k)) errors.push({ field: pointerToField(child), message: "is not valid UTF-8" });
      else findMarked(v, child, errors);
    }
  }
}
