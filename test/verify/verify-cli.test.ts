/**
 * `hirevault verify FILE` as users run it (docs/EXPORTS.md#integrity, README.md#command-line): the
 * built CLI as a child process on a backup made by the backup format. Exit 0 when intact, 1 naming
 * the damaged file, 1 with a message for a file that is missing or not an export, 2 for a missing
 * argument.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupFormat } from "../../src/exports/formats/backup/index.js";
import type { VerifyReport } from "../../src/verify/checks.js";
import { type Fixture, seedFixture } from "../exports/formats/helpers.js";
import { runCli } from "../support/cli.js";
import { type ExportFiles, makeExport, removeExports, tamper, zipNames } from "./helpers.js";

describe("hirevault verify (CLI)", () => {
  let fx: Fixture;
  let fresh: () => ExportFiles;
  const env = { HIREVAULT_DATA_DIR: undefined };

  beforeAll(async () => {
    fx = await seedFixture("sqlite", 6);
    fresh = await makeExport(fx, backupFormat);
  });

  afterAll(async () => {
    removeExports();
    await fx?.cleanup();
  });

  it("exit 0 on an intact backup: ok lines, notes and a summary on stdout", async () => {
    const { backup } = fresh();
    const res = await runCli(["verify", backup!], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(
      /^ok {3}Acme-Corp-backup-.*\.zip: exactly Candidates\.xlsx and Resumes\/ at its root$/m,
    );
    expect(res.stdout).toMatch(/^note a backup has no manifest/m);
    expect(res.stdout).toMatch(new RegExp(`^${backup}: monthly backup verified, \\d+ checks hold$`, "m"));
    expect(res.stdout).not.toMatch(/^FAIL/m);
    expect(res.stderr).toMatch(/verifying Acme-Corp-backup-.*: done in/);
  });

  it("exit 1 naming the file when a CV has a flipped byte; --json gives the same report", async () => {
    const { backup } = fresh();
    const cv = (await zipNames(backup!)).find((n) => n.startsWith("Resumes/") && !n.endsWith("/"))!;
    await tamper("flip", backup!, cv);
    const res = await runCli(["verify", backup!], env);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(`FAIL ${cv} in ${path.basename(backup!)}: CRC-32 mismatch`);
    expect(res.stdout).toMatch(/monthly backup NOT intact, 1 problem$/m);
    expect(res.stderr).toMatch(/hirevault: .*1 check failed: the export is not intact/);

    const json = await runCli(["verify", "--json", backup!], env);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as VerifyReport;
    expect(report).toMatchObject({ ok: false, kind: "backup", problems: 1 });
    expect(report.checks.find((c) => !c.ok)?.subject).toBe(`${cv} in ${path.basename(backup!)}`);
  });

  it("exit 1 with a message for a missing file or a file that is not an export; 2 without FILE", async () => {
    const missing = await runCli(["verify", "/nonexistent/backup.zip"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/hirevault: \/nonexistent\/backup\.zip: no such file or directory/);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hv-verify-cli-"));
    const text = path.join(dir, "notes.txt");
    fs.writeFileSync(text, "hello\n");
    const other = await runCli(["verify", text], env);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/is not a Hirevault export/);

    expect((await runCli(["verify"], env)).code).toBe(2);
  });
});
