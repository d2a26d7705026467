import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSnapshot } from "../import/snapshot-reader.js";
import { replaceEntry, understateSize } from "../import/tamper.js";
import { type CliSetup, cliSetup, runCli } from "../support/cli.js";
import { DIALECTS } from "../support/dialects.js";

/** The lines of stderr that are not progress (`verifying …`, `import of …`). */
const messages = (stderr: string) =>
  stderr.split("\n").filter((l) => l && !/^(verifying|import of) /.test(l));

// real: the compiled CLI as child processes. `hirevault import` refuses what `hirevault verify`
// refuses, in its words, on one line, exit 1, before writing anything; an entry that inflates
// past its declared size is a clean refusal too, also when the blob folder does not exist yet.
describe.each(DIALECTS)("hirevault import verifies first, on %s", (dialect) => {
  let cli: CliSetup;
  let snapshot: string;

  beforeAll(async () => {
    cli = await cliSetup(dialect, "hv-import-verify-cli-");
    const seeded = await runCli(["seed", "--account", "acme", "--candidates", "10", "--seed", "v1"], cli.env);
    expect(seeded.code, seeded.stderr).toBe(0);
    snapshot = path.join(cli.dataDir, "acme.zip");
    const res = await runCli(["export", "snapshot", "--account", "acme", "--out", snapshot], cli.env);
    expect(res.code, res.stderr).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await cli?.remove();
  });

  it("exits 1 with verify's reason on one line for a datapackage.json that is not JSON", async () => {
    const bad = path.join(cli.dataDir, "bad.zip");
    replaceEntry(snapshot, bad, "datapackage.json", (text) => text.slice(0, 100));
    const verified = await runCli(["verify", bad], cli.env);
    expect(verified.code).toBe(1);
    const fail = verified.stdout.split("\n").find((l) => l.startsWith("FAIL "))!;
    expect(fail).toMatch(/^FAIL datapackage\.json in bad\.zip: not valid JSON/);

    const res = await runCli(["import", bad, "--account", "acme copy"], cli.env);
    expect(res.code).toBe(1);
    expect(messages(res.stderr)).toEqual([
      `hirevault: ${bad}: not imported, \`hirevault verify\` finds 1 problem: ${fail.slice("FAIL ".length)}`,
    ]);
    // Nothing was written: the name is still free, and the intact snapshot imports under it.
    const good = await runCli(["import", snapshot, "--account", "acme copy"], cli.env);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stderr).toMatch(/verifying .*acme\.zip: done in [\d.]+ s\n/);
  });

  it("refuses a company document that inflates past its declared size, cleanly, every time", async () => {
    const { csvs } = await readSnapshot(snapshot);
    const docs = csvs.get("companies/documents.csv")!;
    const entry = docs.rows.map((r) => r[docs.header.indexOf("path")]).find((p) => p !== null)!;
    const bad = path.join(cli.dataDir, "overflow.zip");
    understateSize(snapshot, bad, [entry]);
    const blobs = path.join(cli.dataDir, "blobs");
    for (let i = 0; i < 3; i++) {
      // No blob folder yet, as on a new server: the store's first write creates it.
      await fs.rm(blobs, { recursive: true, force: true });
      const res = await runCli(["import", bad, "--account", "overflow"], cli.env);
      expect(res.code, res.stderr).toBe(1);
      const lines = messages(res.stderr);
      expect(lines, res.stderr).toHaveLength(1);
      expect(lines[0]).toContain(`${entry} in overflow.zip: does not match its declared size`);
      const files = await fs.readdir(blobs, { recursive: true, withFileTypes: true }).catch(() => []);
      expect(files.filter((f) => f.isFile())).toEqual([]);
    }
    const accounts = await runCli(["import", snapshot, "--account", "overflow"], cli.env);
    expect(accounts.code, accounts.stderr).toBe(0);
  });
});
