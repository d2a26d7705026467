import fs from "node:fs";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliSetup, cliSetup, runCli, runCliWithClosedPipe, spawnCli } from "../support/cli.js";

/** A port nobody listens on right now (the OS picks it; the server binds it a moment later). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// real: the compiled CLI as child processes whose stdout or stderr pipe the reader closed first
// (`hirevault … | head`), on a SQLite data dir. Closed pipes are not about the database.
describe("the CLI on a closed pipe", () => {
  let cli: CliSetup;
  beforeAll(async () => {
    cli = await cliSetup("sqlite", "hv-pipe-cli-");
    const seeded = await runCli(["seed", "--account", "acme", "--candidates", "3", "--seed", "p1"], cli.env);
    expect(seeded.code, seeded.stderr).toBe(0);
  });
  afterAll(async () => {
    await cli?.remove();
  });

  it("`user list` whose stdout is closed ends quietly with 0", async () => {
    const res = await runCliWithClosedPipe(["user", "list", "--account", "acme"], cli.env, "stdout");
    expect(res.stderr).toBe("");
    expect(res.signal).toBeNull();
    expect(res.code).toBe(0);
  });

  it("`export snapshot` and `verify --json` whose stdout is closed do their work and exit 0", async () => {
    const out = path.join(cli.dataDir, "piped-snapshot.zip");
    const exported = await runCliWithClosedPipe(
      ["export", "snapshot", "--account", "acme", "--out", out],
      cli.env,
      "stdout",
    );
    expect(exported.stderr).not.toMatch(/EPIPE|Error/);
    expect(exported.code).toBe(0);
    expect(fs.statSync(out).size).toBeGreaterThan(0);
    const verified = await runCliWithClosedPipe(["verify", out, "--json"], cli.env, "stdout");
    expect(verified.stderr).not.toMatch(/EPIPE|Error/); // its progress lines only
    expect(verified.signal).toBeNull();
    expect(verified.code).toBe(0);
  });

  it("`seed` whose stderr (progress) is closed still seeds the account and exits 0", async () => {
    const res = await runCliWithClosedPipe(
      ["seed", "--account", "piped", "--candidates", "5", "--seed", "p2"],
      cli.env,
      "stderr",
    );
    expect(res.signal).toBeNull();
    expect(res.code).toBe(0);
    const users = await runCli(["user", "list", "--account", "piped"], cli.env);
    expect(users.code, users.stderr).toBe(0);
    expect(users.stdout.trim().split("\n").length).toBeGreaterThan(0);
  });

  it("`start` whose stdout (logs) is closed keeps serving, then stops cleanly", async () => {
    const port = await freePort();
    const server = spawnCli(["start", "--no-worker"], { ...cli.env, PORT: String(port), LOG_LEVEL: "info" });
    server.child.stdout!.destroy();
    let status = 0;
    for (let i = 0; i < 200 && status !== 200 && server.child.exitCode === null; i++) {
      status = await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status, server.output().stderr).toBe(200);
    // Requests log on stdout: several more, each a write to the closed pipe.
    for (let i = 0; i < 5; i++) expect((await fetch(`http://127.0.0.1:${port}/api/v1/me`)).status).toBe(401);
    expect(server.child.exitCode).toBeNull();
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.output().stderr).not.toMatch(/EPIPE/);
  });
});
