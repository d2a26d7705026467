import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../src/db/create-db.js";
import { newId } from "../../src/domain/ids.js";
import {
  cell,
  linesOf,
  type RawRecord,
  rawRecords,
  rawText,
  readCsvTexts,
  withCell,
} from "../import/csv-edit.js";
import { rewriteSnapshots } from "../import/tamper.js";
import { type CliSetup, cliSetup, runCli } from "../support/cli.js";
import { DIALECTS } from "../support/dialects.js";

// real: the compiled CLI as child processes, SQLite file / PostgreSQL database, local blob dir.
// A snapshot whose bytes are sealed (manifest and datapackage hashes match, so verify passes) but
// whose rows do not hold together: import exits 1 with one line naming file, line and column,
// and writes nothing.
describe.each(DIALECTS)("hirevault import of a snapshot that does not hold together, on %s", (dialect) => {
  let cli: CliSetup;
  let env: Record<string, string | undefined>;
  let forged: { dangling: string; duplicate: string; unique: string };
  const expected = { dangling: "", duplicate: "", unique: "" };

  /** Every file under the blob store, with its size. */
  async function storedFiles(): Promise<string[]> {
    const root = path.join(cli.dataDir, "blobs");
    const out: string[] = [];
    const walk = async (dir: string) => {
      for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else out.push(`${path.relative(root, p)} ${(await fs.stat(p)).size}`);
      }
    };
    await walk(root);
    return out.sort();
  }

  async function accountNames(): Promise<string[]> {
    const { db, close } = createDatabase(
      cli.database.url
        ? { databaseUrl: cli.database.url }
        : { sqlitePath: path.join(cli.dataDir, "hirevault.sqlite") },
    );
    try {
      return (await db.selectFrom("accounts").select("name").execute()).map((a) => a.name).sort();
    } finally {
      await close();
    }
  }

  beforeAll(async () => {
    cli = await cliSetup(dialect, "hv-import-refs-cli-");
    env = cli.env;
    const seeded = await runCli(["seed", "--account", "acme", "--candidates", "10", "--seed", "r1"], env);
    expect(seeded.code, seeded.stderr).toBe(0);
    const snapshot = path.join(cli.dataDir, "acme.zip");
    const res = await runCli(["export", "snapshot", "--account", "acme", "--out", snapshot], env);
    expect(res.code, res.stderr).toBe(0);
    const csvs = new Map<string, RawRecord[]>();
    for (const [name, text] of await readCsvTexts(snapshot)) csvs.set(name, rawRecords(text));

    // An activity about a person who is not in the snapshot (the last row: after multi-line notes).
    const activities = csvs.get("persons/activities.csv")!;
    const at = activities.length - 1;
    const ghost = newId();
    const dangling = withCell(activities, at, "subject_id", ghost);
    const type = cell(activities, at, "subject_type");
    const table = { person: "persons/persons", company: "companies/companies", job: "jobs/jobs" }[type] ?? "";
    expected.dangling = `hirevault: persons/activities.csv line ${linesOf(dangling)[at]}, subject_id: no ${type} with id ${ghost} in ${table}.csv\n`;
    // A person twice.
    const persons = csvs.get("persons/persons.csv")!;
    const twice = [...persons, persons[1]!];
    expected.duplicate = `hirevault: persons/persons.csv line ${linesOf(twice).at(-1)}, id: ${cell(persons, 1, "id")} is already the id of line ${persons[1]!.line}\n`;
    // Two applications of one person to one job (a unique key of the database).
    const apps = csvs.get("candidates/applications.csv")!;
    const again = [...apps, withCell(apps, 1, "id", newId())[1]!];
    expected.unique = `hirevault: candidates/applications.csv line ${linesOf(again).at(-1)}, job_id, person_id: the same job_id, person_id as line ${apps[1]!.line}; no two rows may have the same job_id, person_id\n`;

    forged = {
      dangling: path.join(cli.dataDir, "dangling.zip"),
      duplicate: path.join(cli.dataDir, "duplicate.zip"),
      unique: path.join(cli.dataDir, "unique.zip"),
    };
    rewriteSnapshots(snapshot, [
      { dest: forged.dangling, edits: { "persons/activities.csv": rawText(dangling) } },
      { dest: forged.duplicate, edits: { "persons/persons.csv": rawText(twice) } },
      { dest: forged.unique, edits: { "candidates/applications.csv": rawText(again) } },
    ]);
  }, 240_000);
  afterAll(async () => {
    await cli?.remove();
  });

  it.each(["dangling", "duplicate", "unique"] as const)(
    "exits 1 with one line naming file, line and column, and writes nothing (%s)",
    async (kind) => {
      if (kind === "dangling") {
        // The bytes are sealed: what is wrong is only what the rows say.
        const verified = await runCli(["verify", forged[kind]], env);
        expect(verified.code, verified.stdout).toBe(0);
      }
      const filesBefore = await storedFiles();
      expect(filesBefore.length).toBeGreaterThan(5);
      const res = await runCli(["import", forged[kind], "--account", `copy ${kind}`], env);
      expect(res.code).toBe(1);
      expect(res.stdout).toBe("");
      // The verify pass's progress comes first. Refused before the write: then the one line.
      // Refused while writing: after the progress lines the import printed so far.
      const lines = res.stderr.split("\n").slice(0, -1);
      expect(`${lines.at(-1)}\n`).toBe(expected[kind]);
      const progress = lines.slice(0, -1);
      const verifying = progress.filter((l) =>
        /^verifying .*: (\d+\/\d+ \(\d+%\)|done in [\d.]+ s)$/.test(l),
      );
      expect(verifying.length).toBeGreaterThan(0);
      const importing = progress.filter((l) => !verifying.includes(l));
      if (kind === "unique")
        for (const l of importing) expect(l).toMatch(/^import of .*: \d+\/\d+ \(\d+%\)$/);
      else expect(importing).toEqual([]);
      expect(res.stderr).not.toMatch(/Error|^\s+at /m);
      expect(await accountNames()).toEqual(["acme"]);
      expect(await storedFiles()).toEqual(filesBefore);
    },
  );
});
