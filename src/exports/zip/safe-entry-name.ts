/**
 * Safe zip entry path segments from user data (docs/EXPORTS.md#zip-entry-names):
 * one segment per folder level, NFC, no control/bidi/invisible format characters, no
 * Windows-forbidden characters or reserved device names, no leading/trailing dots or
 * spaces, ≤ 255 UTF-8 bytes and ≤ 255 UTF-16 units cut on a grapheme boundary keeping the
 * extension, and unique per folder after case folding (`name (2).ext`).
 */

/** Default byte budget of one segment (common file-system component limit). */
export const MAX_SEGMENT_BYTES = 255;
/*
 * Windows Explorer and many unzip tools still stop at MAX_PATH (260 UTF-16 units) for the
 * extracted path, and an archive is extracted under some folder (`C:\Users\<name>\Downloads\
 * acme-backup-2026-01-31\` is ~50). So every zip the product writes keeps each whole entry name
 * within this budget. It is counted in UTF-8 bytes, never fewer than UTF-16 units, so the limit
 * holds in characters too.
 */
/** Maximum length of a whole entry name in any zip Hirevault writes (UTF-8 bytes). */
export const MAX_ENTRY_PATH_BYTES = 200;
/** Windows limits a component to 255 UTF-16 units. */
export const MAX_SEGMENT_UNITS = 255;
/** Used when a name sanitizes to nothing and the caller gave no fallback. */
export const DEFAULT_FALLBACK = "Untitled";

/** Options of {@link safeSegment}. */
export interface SafeSegmentOptions {
  /** Result for empty / whitespace-only / `.` / `..` names (itself sanitized). Default "Untitled". */
  fallback?: string;
  /** UTF-8 byte budget (default 255). */
  maxBytes?: number;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/**
 * Removed: C0, DEL, C1 controls; every format character (\p{Cf}: bidi marks/embeddings/
 * overrides/isolates U+200E/F U+202A–E U+2066–9, U+061C, zero-width space, BOM, word joiner,
 * soft hyphen, tags…) except ZWNJ/ZWJ (U+200C/D, needed by scripts and emoji sequences); and
 * the invisible Hangul fillers (U+115F U+1160 U+3164 U+FFA0) used for blank-looking names.
 */
const REMOVED = /[\u0000-\u001F\u007F-\u009F\u115F\u1160\u3164\uFFA0]|(?![\u200C\u200D])\p{Cf}/gu;
/** Line/paragraph separators become spaces. */
const SEPARATORS = /[\p{Zl}\p{Zp}]/gu;
/** Forbidden in Windows names (and `/` is the zip separator). */
const FORBIDDEN = /[/\\:*?"<>|]/g;
const EDGE = /^[\s.]+|[\s.]+$/gu;
/** Nothing visible left: only spaces, joiners, variation selectors and combining marks. */
const INVISIBLE_ONLY = /^(?:\s|\u200C|\u200D|\p{M})*$/u;
/** Windows device names, also before any extension (COM¹–³ / LPT¹–³ count too). */
const RESERVED =
  /^(CON|PRN|AUX|NUL|COM[0-9\u00B9\u00B2\u00B3]|LPT[0-9\u00B9\u00B2\u00B3]|CONIN\$|CONOUT\$)$/i;

const segmenter = new Intl.Segmenter("und", { granularity: "grapheme" });

function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

function fits(s: string, maxBytes: number): boolean {
  return s.length <= MAX_SEGMENT_UNITS && utf8Length(s) <= maxBytes;
}

/** True for Windows-reserved device names, with or without extension, case-insensitively. */
export function isReservedName(name: string): boolean {
  const stem = name.split(".")[0]!.replace(/[\s]+$/u, "");
  return RESERVED.test(stem);
}

/** Splits `report.final.pdf` → [`report.final`, `.pdf`]; no extension → [name, ""]. */
export function splitExtension(name: string): [string, string] {
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || dot === name.length - 1) return [name, ""];
  const ext = name.slice(dot);
  if (ext.length > 16 || /\s/u.test(ext)) return [name, ""];
  return [name.slice(0, dot), ext];
}

/** Longest prefix of `s` made of whole grapheme clusters with `prefix + tail` fitting the budget. */
function cutGraphemes(s: string, tail: string, maxBytes: number): string {
  let out = "";
  for (const { segment } of segmenter.segment(s)) {
    if (fits(out + segment + tail, maxBytes)) {
      out += segment;
      continue;
    }
    // A single cluster over the budget (e.g. hundreds of combining marks): cut it by code point.
    if (out === "") {
      for (const cp of segment) {
        if (!fits(out + cp + tail, maxBytes)) break;
        out += cp;
      }
    }
    break;
  }
  return out;
}

/**
 * Fits `stem + suffix + ext` into the budget by cutting `stem` on a grapheme boundary
 * (the extension and suffix are kept whenever they fit at all).
 */
export function fitName(stem: string, ext: string, maxBytes: number, suffix = ""): string {
  const whole = stem + suffix + ext;
  if (fits(whole, maxBytes)) return whole;
  const tail = suffix + ext;
  if (fits(tail, maxBytes - 1)) {
    const cut = cutGraphemes(stem, tail, maxBytes).replace(/[\s.]+$/u, "");
    if (cut.length > 0) return cut + tail;
  }
  return cutGraphemes(whole, "", maxBytes).replace(/[\s.]+$/u, "");
}

function clean(raw: string): string {
  return String(raw)
    .replace(LONE_SURROGATE, "\uFFFD")
    .normalize("NFC")
    .replace(REMOVED, "")
    .replace(SEPARATORS, " ")
    .replace(FORBIDDEN, "_")
    .replace(EDGE, "")
    .normalize("NFC");
}

/**
 * One safe path segment made from `raw` (a job title, stage, candidate or file name).
 * Deterministic: the same input always gives the same output.
 */
export function safeSegment(raw: string, opts: SafeSegmentOptions = {}): string {
  const maxBytes = Math.max(opts.maxBytes ?? MAX_SEGMENT_BYTES, 16);
  let s = clean(raw);
  if (s.length === 0 || INVISIBLE_ONLY.test(s)) {
    const fb = opts.fallback === undefined ? DEFAULT_FALLBACK : clean(opts.fallback);
    s = fb.length === 0 || INVISIBLE_ONLY.test(fb) ? DEFAULT_FALLBACK : fb;
  }
  if (isReservedName(s)) s = `_${s}`;
  const [stem, ext] = splitExtension(s);
  let out = fitName(stem, ext, maxBytes);
  // A cut could in theory leave a device name (e.g. "CON" + long tail): prefix and refit.
  if (isReservedName(out)) out = fitName(`_${stem}`, ext, maxBytes);
  return out.normalize("NFC");
}

/** Joins sanitized segments with `/`; `fallbacks[i]` is the fallback of `segments[i]`. */
export function safePath(segments: string[], fallbacks?: Array<string | undefined>): string {
  return segments.map((s, i) => safeSegment(s, { fallback: fallbacks?.[i] ?? DEFAULT_FALLBACK })).join("/");
}

/** Comparison key: NFC + case folding (upper then lower covers ß/ſ/Kelvin-sign style folds). */
export function foldKey(name: string): string {
  return name.normalize("NFC").toUpperCase().toLowerCase().normalize("NFC");
}

/**
 * Unique names within one folder: `take("cv.pdf")` → `cv.pdf`, then `cv (2).pdf`, `cv (3).pdf`…
 * for names equal after NFC + case folding (`CV.pdf`/`cv.pdf`, NFC/NFD `é`). Same insertion
 * order → same names. Suffixed names still fit `maxBytes` (the stem is cut, not the extension).
 * Input should already be a {@link safeSegment}; the result is NFC.
 */
export class UniqueNames {
  private readonly used = new Set<string>();
  private readonly maxBytes: number;

  constructor(opts: { maxBytes?: number } = {}) {
    this.maxBytes = opts.maxBytes ?? MAX_SEGMENT_BYTES;
  }

  /** Returns `name`, or the first free `name (n).ext`, and reserves it. */
  take(name: string): string {
    const nfc = name.normalize("NFC");
    if (this.reserve(nfc)) return nfc;
    const [stem, ext] = splitExtension(nfc);
    for (let n = 2; ; n++) {
      const candidate = fitName(stem, ext, this.maxBytes, ` (${n})`);
      if (this.reserve(candidate)) return candidate;
    }
  }

  private reserve(name: string): boolean {
    const key = foldKey(name);
    if (this.used.has(key)) return false;
    this.used.add(key);
    return true;
  }
}
