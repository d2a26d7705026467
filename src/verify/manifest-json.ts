/**
 * `manifest.json` as `hirevault verify` reads it (SPEC §3: format name and version, account id,
 * snapshot time, row count per table, size and SHA-256 per file, files that could not be read).
 * The file may have been edited or damaged, so its shape is checked before anything is compared
 * with it: a wrong shape is one FAIL naming the field, never a crash.
 */
import { z } from "zod";
import { archiveProblem, type OpenedZip, type VerifyContext } from "./archive-pass.js";
import { errorMessage, inZip } from "./checks.js";

export const MANIFEST_ENTRY = "manifest.json";
/** Largest manifest read (its list of missing files can be long; the import reads as much). */
export const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

const count = z.number().int().nonnegative();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 in lowercase hex");

const manifestSchema = z.object({
  format: z.string(),
  format_version: z.number().int(),
  account: z.object({ id: z.string(), name: z.string() }),
  snapshot_at: z.string(),
  tables: z.array(z.object({ file: z.string(), rows: count, rows_of: z.string().nullable().optional() })),
  files: z.array(z.object({ path: z.string(), size: count, sha256 })),
  parts: z
    .array(
      z.object({
        part: z.string(),
        label: z.string(),
        file_name: z.string(),
        size: count,
        sha256,
        entries: count,
      }),
    )
    .optional(),
  attachment_files: z.object({ entries: count, bytes: count }).optional(),
  missing_files_count: count,
  missing_files: z.array(
    z.object({ part: z.string(), attachment_id: z.string(), path: z.string(), reason: z.string() }),
  ),
});

/** A manifest whose shape was checked. */
export type VerifiedManifest = z.infer<typeof manifestSchema>;

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
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    ctx.checks.fail(
      subject,
      `not the manifest SPEC §3 describes: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    return null;
  }
  const m = parsed.data;
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
