/**
 * `manifest.json` as `hirevault verify` reads it (docs/EXPORTS.md#integrity: format name and
 * version, account id, snapshot time, row count per table, size and SHA-256 per file, files that
 * could not be read). The file may have been edited or damaged, so its shape is checked before
 * anything is compared with it: a wrong shape is one FAIL naming the field, never a crash.
 */
import { type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { archiveProblem, type OpenedZip, type VerifyContext } from "./archive-pass.js";
import { errorMessage, inZip } from "./checks.js";

export const MANIFEST_ENTRY = "manifest.json";
/** Largest manifest read (its list of missing files can be long; the import reads as much). */
export const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

const count = Type.Integer({ minimum: 0 });
const sha256 = Type.String({ pattern: "^[0-9a-f]{64}$", message: "a SHA-256 in lowercase hex" });

const manifestSchema = Type.Object({
  format: Type.String(),
  format_version: Type.Integer(),
  account: Type.Object({ id: Type.String(), name: Type.String() }),
  snapshot_at: Type.String(),
  tables: Type.Array(
    Type.Object({
      file: Type.String(),
      rows: count,
      rows_of: Type.Optional(
        Type.Union([Type.String(), Type.Null()], { message: "Expected string or null" }),
      ),
    }),
  ),
  files: Type.Array(Type.Object({ path: Type.String(), size: count, sha256 })),
  parts: Type.Optional(
    Type.Array(
      Type.Object({
        part: Type.String(),
        label: Type.String(),
        file_name: Type.String(),
        size: count,
        sha256,
        entries: count,
      }),
    ),
  ),
  attachment_files: Type.Optional(Type.Object({ entries: count, bytes: count })),
  missing_files_count: count,
  missing_files: Type.Array(
    Type.Object({
      part: Type.String(),
      attachment_id: Type.String(),
      path: Type.String(),
      reason: Type.String(),
    }),
  ),
});

/** A manifest whose shape was checked. */
export type VerifiedManifest = Static<typeof manifestSchema>;

/**
 * The first thing wrong with a manifest's shape, as `tables.0.rows: Expected integer` (the field
 * as a dotted path, `(root)` for the document itself), or null when its shape is right.
 */
export function manifestShapeProblem(json: unknown): string | null {
  const error = Value.Errors(manifestSchema, json).First();
  if (!error) return null;
  const field = error.path.split("/").slice(1).join(".");
  return `${field || "(root)"}: ${(error.schema.message as string | undefined) ?? error.message}`;
}

/** The `format` of a zip's manifest, or null when it has none or it does not parse. */
export async function manifestFormat(zip: OpenedZip): Promise<string | null> {
  if (!zip.archive.entries.has(MANIFEST_ENTRY)) return null;
  try {
    const parsed: unknown = JSON.parse(await zip.archive.readText(MANIFEST_ENTRY, MAX_MANIFEST_BYTES));
    const format = (parsed as { format?: unknown } | null)?.format;
    return typeof format === "string" ? format : null;
  } catch {
    return null;
  }
}

/**
 * Reads and checks the manifest: it parses, has the expected shape, names `format` and a
 * `format_version` this release knows. Null (after a FAIL) otherwise.
 */
export async function readManifest(
  ctx: VerifyContext,
  zip: OpenedZip,
  format: string,
  version: number,
): Promise<VerifiedManifest | null> {
  const subject = inZip(MANIFEST_ENTRY, zip.name);
  let text: string;
  try {
    text = await zip.archive.readText(MANIFEST_ENTRY, MAX_MANIFEST_BYTES);
  } catch (err) {
    ctx.checks.fail(subject, archiveProblem(err));
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    ctx.checks.fail(subject, `not valid JSON (${errorMessage(err)})`);
    return null;
  }
  const problem = manifestShapeProblem(json);
  if (problem !== null) {
    ctx.checks.fail(subject, `not the manifest of docs/EXPORTS.md#integrity: ${problem}`);
    return null;
  }
  const m = json as VerifiedManifest;
  if (m.format !== format) {
    ctx.checks.fail(subject, `format is "${m.format}", "${format}" expected`);
    return null;
  }
  if (m.format_version !== version) {
    const newer = m.format_version > version ? " (made by a newer Hirevault?)" : "";
    ctx.checks.fail(
      subject,
      `format_version ${m.format_version} is not known: this release reads ${version}${newer}`,
    );
    return null;
  }
  if (m.missing_files_count !== m.missing_files.length) {
    ctx.checks.fail(
      subject,
      `missing_files_count is ${m.missing_files_count} but missing_files lists ${m.missing_files.length}`,
    );
  }
  ctx.checks.pass(
    subject,
    `${m.format} version ${m.format_version}, account ${m.account.id}, snapshot at ${m.snapshot_at}`,
  );
  return m;
}
