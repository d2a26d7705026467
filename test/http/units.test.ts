import { describe, expect, it } from "vitest";
import { SNIFF_BYTES, sniffContentType } from "../../src/domain/sniff-content-type.js";
import {
  asciiFallback,
  contentDisposition,
  encodeRfc8187,
} from "../../src/http/attachments/content-disposition.js";
import { decideRange } from "../../src/http/attachments/range.js";
import { redactUrl } from "../../src/http/logger.js";
import { isDate, isDateTime } from "../../src/http/validation/formats.js";
import { pointerToField } from "../../src/http/validation/validator-compiler.js";
import { makePdf } from "./_helpers/fixtures.js";

const b = (...bytes: number[]) => Buffer.from(bytes);

describe("sniffContentType", () => {
  it.each([
    ["PDF", makePdf(), "application/pdf"],
    ["PNG", b(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0), "image/png"],
    ["JPEG", b(0xff, 0xd8, 0xff, 0xe0, 0, 0x10), "image/jpeg"],
    ["GIF", Buffer.from("GIF89a\x01\x00"), "image/gif"],
    ["WEBP", Buffer.concat([Buffer.from("RIFF"), b(0, 0, 0, 0), Buffer.from("WEBPVP8 ")]), "image/webp"],
    ["RTF", Buffer.from("{\\rtf1\\ansi Hello}"), "application/rtf"],
    [
      "XLSX",
      Buffer.concat([b(0x50, 0x4b, 0x03, 0x04), Buffer.alloc(26), Buffer.from("xl/workbook.xml")]),
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
    [
      "PPTX",
      Buffer.concat([b(0x50, 0x4b, 0x03, 0x04), Buffer.alloc(26), Buffer.from("ppt/slides/slide1.xml")]),
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ],
    [
      "ODT",
      Buffer.concat([
        b(0x50, 0x4b, 0x03, 0x04),
        Buffer.alloc(26),
        Buffer.from("mimetypeapplication/vnd.oasis.opendocument.text"),
      ]),
      "application/vnd.oasis.opendocument.text",
    ],
    [
      "plain ZIP",
      Buffer.concat([b(0x50, 0x4b, 0x03, 0x04), Buffer.alloc(26), Buffer.from("notes.txt")]),
      "application/zip",
    ],
    [
      "DOC",
      Buffer.concat([
        b(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1),
        Buffer.alloc(100),
        Buffer.from("WordDocument", "utf16le"),
      ]),
      "application/msword",
    ],
    [
      "UTF-8 text with BOM",
      Buffer.from("\ufeffAnna Müller, Köln\r\n\tEngineer"),
      "text/plain; charset=utf-8",
    ],
    ["empty file", Buffer.alloc(0), "application/octet-stream"],
  ])("%s → %s", (_what, bytes, type) => {
    expect(sniffContentType(bytes)).toEqual({ ok: true, contentType: type });
  });

  it.each([
    ["MZ", Buffer.concat([Buffer.from("MZ"), Buffer.alloc(64)])],
    ["ELF", b(0x7f, 0x45, 0x4c, 0x46, 2, 1)],
    ["Mach-O", b(0xcf, 0xfa, 0xed, 0xfe, 7, 0)],
    ["shebang", Buffer.from("#!/usr/bin/env python\n")],
    ["HTML", Buffer.from("<HTML><BODY>x</BODY></HTML>")],
    ["script", Buffer.from("hello <script>alert(1)</script>")],
    ["SVG", Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>")],
    ["doctype", Buffer.from("<!doctype html>\n<p>x")],
    ["binary garbage", b(0x00, 0x00, 0x13, 0x37)],
    ["UTF-16 text", Buffer.from("\ufeffhello", "utf16le")],
    ["invalid UTF-8", b(0x41, 0xc3, 0x28, 0x41)],
  ])("%s → refused", (_what, bytes) => {
    expect(sniffContentType(bytes).ok).toBe(false);
  });

  it("tolerates a multi-byte character cut at the end of the sniff window", () => {
    const text = Buffer.from("é".repeat(SNIFF_BYTES)); // 2 bytes each
    const head = text.subarray(0, SNIFF_BYTES - 1);
    expect(sniffContentType(head, false).ok).toBe(true);
    expect(sniffContentType(head, true).ok).toBe(false);
  });
});

describe("decideRange (RFC 9110 §14)", () => {
  const etag = '"abc"';
  it.each([
    [undefined, undefined, { kind: "full" }],
    ["bytes=0-99", undefined, { kind: "partial", start: 0, end: 99 }],
    ["bytes=990-", undefined, { kind: "partial", start: 990, end: 999 }],
    ["bytes=-10", undefined, { kind: "partial", start: 990, end: 999 }],
    ["bytes=-5000", undefined, { kind: "partial", start: 0, end: 999 }],
    ["bytes=500-99999", undefined, { kind: "partial", start: 500, end: 999 }],
    ["bytes=1000-", undefined, { kind: "unsatisfiable" }],
    ["bytes=1000-1001", undefined, { kind: "unsatisfiable" }],
    ["bytes=-0", undefined, { kind: "unsatisfiable" }],
    ["bytes=5-1", undefined, { kind: "full" }],
    ["bytes=0-1,3-4", undefined, { kind: "full" }],
    ["items=0-1", undefined, { kind: "full" }],
    ["bytes=0-99", '"abc"', { kind: "partial", start: 0, end: 99 }],
    ["bytes=0-99", '"old"', { kind: "full" }],
    ["bytes=0-99", 'W/"abc"', { kind: "full" }],
    ["bytes=0-99", "Tue, 24 Nov 2026 08:00:00 GMT", { kind: "full" }],
  ])("Range %s, If-Range %s", (range, ifRange, expected) => {
    expect(decideRange(range, ifRange, 1000, etag)).toEqual(expected);
  });

  it("an empty file has no satisfiable range", () => {
    expect(decideRange("bytes=0-", undefined, 0, etag)).toEqual({ kind: "unsatisfiable" });
  });
});

describe("contentDisposition (RFC 6266 / RFC 8187)", () => {
  it("cannot be broken by quotes, CR/LF or backslashes", () => {
    const header = contentDisposition('a"\r\nX-Evil: 1\\.pdf');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toBe(
      `attachment; filename="a___X-Evil: 1_.pdf"; filename*=UTF-8''a%22%0D%0AX-Evil%3A%201%5C.pdf`,
    );
  });

  it("keeps non-ASCII names exactly in filename* and folds them in the fallback", () => {
    expect(asciiFallback("Jürgen Çelik CV.pdf")).toBe("Jurgen Celik CV.pdf");
    expect(asciiFallback("履歴書.pdf")).toBe("___.pdf");
    expect(contentDisposition("cv\u202Efdp.exe")).toBe(
      `attachment; filename="cvfdp.exe"; filename*=UTF-8''cvfdp.exe`,
    );
    expect(encodeRfc8187("履歴書 ü.pdf")).toBe("%E5%B1%A5%E6%AD%B4%E6%9B%B8%20%C3%BC.pdf");
    expect(asciiFallback("")).toBe("download");
  });
});

describe("formats", () => {
  it.each([
    ["2026-11-24T09:30:00Z", true],
    ["2026-11-24T09:30:00.123456+05:30", true],
    ["2026-11-24t09:30:00z", true],
    ["2026-11-24T09:30:00", false],
    ["2026-11-24 09:30:00Z", false],
    ["2026-02-29T00:00:00Z", false],
    ["2028-02-29T00:00:00Z", true],
    ["2026-11-24T24:00:00Z", false],
    ["yesterday", false],
  ])("date-time %s → %s", (value, ok) => {
    expect(isDateTime(value)).toBe(ok);
  });

  it("dates are real calendar days", () => {
    expect(isDate("2026-12-31")).toBe(true);
    expect(isDate("2026-04-31")).toBe(false);
    expect(isDate("20261231")).toBe(false);
  });
});

describe("pointerToField", () => {
  it.each([
    ["/first_name", "first_name"],
    ["/emails/0/email", "emails[0].email"],
    ["/custom_fields/a~1b", "custom_fields.a/b"],
    ["", ""],
  ])("%s → %s", (pointer, field) => {
    expect(pointerToField(pointer)).toBe(field);
  });
});

describe("redactUrl", () => {
  it.each([
    ["/api/v1/persons?limit=5", "/api/v1/persons?limit=5"],
    [
      "/api/v1/persons/01890000-0000-7000-8000-000000000000",
      "/api/v1/persons/01890000-0000-7000-8000-000000000000",
    ],
    [`/downloads/${"x".repeat(48)}`, "/downloads/[Redacted]"],
    ["/d?token=abc&a=1", "/d?token=[Redacted]&a=1"],
    [
      "/d?X-Amz-Signature=f00&X-Amz-Credential=AKIA",
      "/d?X-Amz-Signature=[Redacted]&X-Amz-Credential=[Redacted]",
    ],
  ])("%s → %s", (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
