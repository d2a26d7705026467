import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../src/db/create-db.js";
import { type CliSetup, cliSetup, runCli } from "../support/cli.js";
import { DIALECTS, type TestDatabase } from "../support/dialects.js";

// real: the compiled CLI as child processes, SQLite file / PostgreSQL database, local blob dir.
// The full export is not made here (no worker runs): the gate's job ends at `queued`.
describe.each(DIALECTS)("hirevault invoice and the full export's payment gate on %s", (dialect) => {
  let cli: CliSetup;
  let database: TestDatabase;
  let dataDir: string;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    cli = await cliSetup(dialect, "hv-invoice-cli-");
    ({ database, dataDir, env } = cli);
    const seeded = await runCli(["seed", "--account", "acme", "--candidates", "5", "--seed", "inv"], env);
    expect(seeded.code, seeded.stderr).toBe(0);
  });
  afterAll(async () => {
    await cli?.remove();
  });

  /** Reads the database the CLI wrote (after the CLI process has exited). */
  async function runsOfAcme() {
    const db = createDatabase(
      database.url ? { databaseUrl: database.url } : { sqlitePath: path.join(dataDir, "hirevault.sqlite") },
    );
    try {
      const runs = await db.db
        .selectFrom("export_runs as r")
        .innerJoin("accounts as a", "a.id", "r.account_id")
        .select(["r.id", "r.format", "r.state", "r.trigger"])
        .where("a.name", "=", "acme")
        .execute();
      const cleared = await db.db
        .selectFrom("audit_log")
        .select(["actor_type", "entity_id"])
        .where("action", "=", "export.payment_cleared")
        .execute();
      return { runs, cleared };
    } finally {
      await db.close();
    }
  }

  it("waits for the seeded pending invoice: export full exits 1 naming it, invoice pay releases it", async () => {
    const listed = await runCli(["invoice", "list", "--account", "acme"], env);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(
      lines.some((l) => /^INV-\d{4}-0001 +paid +[\d,]+\.\d\d EUR +due \d{4}-\d\d-\d\d +paid /.test(l)),
    ).toBe(true);
    const pendingLine = lines.find((l) => / pending /.test(l))!;
    expect(pendingLine).toMatch(/^INV-\d{4}-0002 +pending +[\d,]+\.\d\d EUR +due \d{4}-\d\d-\d\d$/);
    const number = pendingLine.split(/\s+/)[0]!;

    const out = path.join(dataDir, "out");
    await fs.mkdir(out);
    const waiting = await runCli(["export", "full", "--account", "acme", "--out", out], env);
    expect(waiting.code, waiting.stderr).toBe(1);
    expect(waiting.stdout).toBe("");
    expect(waiting.stderr).toMatch(
      /the full export of acme waits for payment \(export \S+, state awaiting_payment\)/,
    );
    expect(waiting.stderr).toContain(`  ${number}  `);
    expect(waiting.stderr).toContain(`hirevault invoice pay ${number} --account acme`);
    expect(waiting.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    // Asking again joins the same waiting run.
    expect((await runCli(["export", "full", "--account", "acme", "--out", out], env)).code).toBe(1);
    let state = await runsOfAcme();
    expect(state.runs).toEqual([
      { id: expect.any(String), format: "full", state: "awaiting_payment", trigger: "cli" },
    ]);
    expect(await fs.readdir(out)).toEqual([]);

    const unknown = await runCli(["invoice", "pay", "INV-NOPE", "--account", "acme"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/invoice INV-NOPE of account acme not found/);

    const paid = await runCli(["invoice", "pay", number, "--account", "acme"], env);
    expect(paid.code, paid.stderr).toBe(0);
    expect(paid.stdout).toBe(`invoice ${number} paid; 1 waiting export released\n`);
    state = await runsOfAcme();
    expect(state.runs.map((r) => r.state)).toEqual(["queued"]);
    expect(state.cleared).toEqual([{ actor_type: "system", entity_id: state.runs[0]!.id }]);

    const again = await runCli(["invoice", "pay", number, "--account", "acme"], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`invoice ${number} is already paid; nothing changed\n`);
    const relisted = await runCli(["invoice", "list", "--account", "acme"], env);
    expect(relisted.stdout).not.toMatch(/ pending /);
  });

  it("voids an invoice", async () => {
    // Seeded numbers carry the seed's year: read the paid one from the list.
    const list = (await runCli(["invoice", "list", "--account", "acme"], env)).stdout;
    const number = list.match(/^(INV-\d{4}-0001) /m)![1]!;
    const res = await runCli(["invoice", "void", number, "--account", "acme"], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe(`invoice ${number} void\n`);
    expect((await runCli(["invoice", "list", "--account", "acme"], env)).stdout).toMatch(/-0001 +void /);
  });

  it("exits 1 on an unknown account and 2 on usage errors", async () => {
    const nope = await runCli(["invoice", "list", "--account", "nope"], env);
    expect(nope.code).toBe(1);
    expect(nope.stderr).toMatch(/account nope not found/);
    expect((await runCli(["invoice", "pay", "INV-1"], env)).code).toBe(2);
    expect((await runCli(["invoice", "pay", "--account", "acme"], env)).code).toBe(2);
    expect((await runCli(["invoice", "refund", "INV-1", "--account", "acme"], env)).code).toBe(2);
    expect((await runCli(["invoice"], env)).code).toBe(2);
  });
});
