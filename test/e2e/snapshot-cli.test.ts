import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SNAPSHOT_FILES } from "../../src/exports/formats/snapshot/layout.js";
import { type CliSetup, cliSetup, runCli } from "../support/cli.js";
import { DIALECTS } from "../support/dialects.js";
import { readMachineExport } from "../support/read-export.js";

// real: the compiled CLI as child processes, SQLite file / PostgreSQL database, local blob dir.
describe.each(DIALECTS)("hirevault export snapshot on %s", (dialect) => {
  let cli: CliSetup;
  let dataDir: string;
  let env: Record<string, string | undefined>;
  let persons: number;

  beforeAll(async () => {
    cli = await cliSetup(dialect, "hv-snap-cli-");
    ({ dataDir, env } = cli);
    expect((await runCli(["migrate"], env)).code).toBe(0);
    const seeded = await runCli(["seed", "--account", "acme", "--candidates", "15", "--seed", "s1"], env);
    expect(seeded.code, seeded.stderr).toBe(0);
    persons = (JSON.parse(seeded.stdout) as { counts: Record<string, number> }).counts.persons!;
  }, 120_000);
  afterAll(async () => {
    await cli?.remove();
  });

  it("writes the snapshot zip into --out (a pending invoice does not hold it): progress on stderr, path on stdout", async () => {
    const out = path.join(dataDir, "exports");
    await fs.mkdir(out);
    const res = await runCli(["export", "snapshot", "--account", "acme", "--out", out], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(
      /snapshot export of acme: done in [\d.]+ s — [\d,]+ bytes, sha256 [0-9a-f]{64}/,
    );
    const saved = res.stdout.trim();
    expect(path.dirname(saved)).toBe(out);
    expect(path.basename(saved)).toMatch(/^acme-snapshot-\d{4}-\d{2}-\d{2}\.zip$/);
    const sha = res.stderr.match(/sha256 ([0-9a-f]{64})/)![1];
    expect(
      createHash("sha256")
        .update(await fs.readFile(saved))
        .digest("hex"),
    ).toBe(sha);
    expect((await fs.readdir(out)).filter((f) => f.includes(".partial"))).toEqual([]);

    const snap = await readMachineExport(saved);
    expect(snap.testzip).toBeNull();
    const names = snap.entries.map((e) => e.name);
    for (const f of SNAPSHOT_FILES) expect(names, f.path).toContain(f.path);
    expect(names.slice(-2)).toEqual(["datapackage.json", "manifest.json"]);
    const manifest = snap.json["manifest.json"] as { format: string; account: { name: string } };
    expect(manifest).toMatchObject({ format: "hirevault.snapshot", account: { name: "acme" } });
    expect(snap.csv["persons/persons.csv"]!.rows.length - 1).toBe(persons);
  });

  it("writes to an explicit file name too", async () => {
    const target = path.join(dataDir, "snap.zip");
    const res = await runCli(["export", "snapshot", "--account", "acme", "--out", target], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim()).toBe(target);
    expect((await fs.readFile(target)).subarray(0, 4).toString("hex")).toBe("504b0304");
  });
});
