import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliSetup, cliSetup, runCli, spawnCli } from "../support/cli.js";
import { DIALECTS } from "../support/dialects.js";

interface Listed {
  email: string;
  role: string;
  status: string;
  signIn: string;
}

function parseList(stdout: string): Listed[] {
  return stdout
    .trim()
    .split("\n")
    .map((line) => {
      const [email, role, status, signIn] = line.split("\t");
      return { email: email!, role: role!, status: status!, signIn: signIn! };
    });
}

/** Signs in through the real sign-in form over HTTP; the `fetch` response of the form post. */
async function signInOverHttp(url: string, account: string, email: string, password: string) {
  const form = await fetch(`${url}/login`, { headers: { accept: "text/html" } });
  expect(form.status).toBe(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const loginCookie = form.headers.getSetCookie().map((c) => c.split(";")[0]!);
  return fetch(`${url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: {
      accept: "text/html",
      "content-type": "application/x-www-form-urlencoded",
      "sec-fetch-site": "same-origin",
      cookie: loginCookie.join("; "),
    },
    body: new URLSearchParams({ _csrf: csrf, next: "/", account, email, password }).toString(),
  });
}

// real: the compiled CLI as child processes, SQLite file / PostgreSQL database, a real server.
describe.each(DIALECTS)("hirevault user (CLI) on %s", (dialect) => {
  let cli: CliSetup;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    cli = await cliSetup(dialect, "hv-user-cli-");
    ({ env } = cli);
    expect((await runCli(["migrate"], env)).code).toBe(0);
    const seeded = await runCli(["seed", "--account", "acme", "--candidates", "1", "--seed", "u1"], env);
    expect(seeded.code, seeded.stderr).toBe(0);
  });
  afterAll(async () => {
    await cli?.remove();
  });

  it("lists team members, sets passwords (printed or read from stdin) that sign in over HTTP", async () => {
    const listed = await runCli(["user", "list", "--account", "acme"], env);
    expect(listed.code, listed.stderr).toBe(0);
    const users = parseList(listed.stdout);
    expect(users.length).toBeGreaterThanOrEqual(2);
    for (const u of users) {
      expect(u.email).toMatch(/^[^\s@]+@[^\s@]+$/);
      expect(["owner", "admin", "recruiter", "viewer"]).toContain(u.role);
      expect(["active", "invited", "disabled"]).toContain(u.status);
      expect(u.signIn).toBe("no sign-in"); // nobody has a password yet
    }
    // One member who may export (lands on Data Backup once signed in) and one who may not.
    const active = users.filter((u) => u.status === "active");
    const first = active.find((u) => u.role === "owner" || u.role === "admin");
    const second = active.find((u) => u.role === "recruiter" || u.role === "viewer");
    if (!first || !second) throw new Error(`no active exporter and non-exporter in ${listed.stdout}`);

    // A generated password, printed once on stdout; the email matches whatever its case.
    const printed = await runCli(
      ["user", "password", "--account", "acme", "--email", first.email.toUpperCase()],
      env,
    );
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}\n$/);
    expect(printed.stderr).toBe("");
    const generated = printed.stdout.trim();

    // A chosen password, read from stdin, printed nowhere.
    const chosen = "a long passphrase of my own";
    const piped = await runCli(
      ["user", "password", "--account", "acme", "--email", second.email, "--stdin"],
      env,
      {
        input: `${chosen}\nanything after the first line is ignored\n`,
      },
    );
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toBe("");
    expect(piped.stderr).not.toContain(chosen);

    // Refusals: an unknown email, a too-short password, an empty stdin, an unknown account.
    const passwordOf = ["user", "password", "--account", "acme", "--email", second.email, "--stdin"];
    const [unknown, short, empty, noAccount] = await Promise.all([
      runCli(["user", "password", "--account", "acme", "--email", "nobody@nowhere.example"], env),
      runCli(passwordOf, env, { input: "too short\n" }),
      runCli(passwordOf, env, { input: "" }),
      runCli(["user", "list", "--account", "nope"], env),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/user nobody@nowhere\.example not found/);
    expect(unknown.stdout).toBe(""); // no password printed for nobody
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least 12 characters/);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/no password/);
    expect(noAccount.code).toBe(1);
    expect(noAccount.stderr).toMatch(/account nope not found/);

    // A member who is not active gets a password, and a warning that it cannot sign in yet.
    const inactive = users.find((u) => u.status !== "active");
    if (inactive) {
      const warned = await runCli(["user", "password", "--account", "acme", "--email", inactive.email], env);
      expect(warned.code, warned.stderr).toBe(0);
      expect(warned.stderr).toContain(`${inactive.email} is ${inactive.status}`);
    }

    const after = parseList((await runCli(["user", "list", "--account", "acme"], env)).stdout);
    const signInOf = (email: string) => after.find((u) => u.email === email)?.signIn;
    expect(signInOf(first.email)).toBe("can sign in");
    expect(signInOf(second.email)).toBe("can sign in");
    if (inactive) expect(signInOf(inactive.email)).toBe("no sign-in");

    // Both passwords sign in to the running server; the previous short attempt changed nothing.
    const server = spawnCli(["start", "--no-worker"], env);
    try {
      const [, url] = await server.waitFor(/Hirevault is running at (http:\/\/\S+)/);
      for (const [user, password] of [
        [first, generated],
        [second, chosen],
      ] as const) {
        const res = await signInOverHttp(url!, "acme", user.email, password);
        expect(res.status, `${user.email}: ${await res.text()}`).toBe(303);
        const session = res.headers.getSetCookie().find((c) => c.startsWith("hv_session="));
        expect(session).toMatch(/^hv_session=hvs_[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax/);
        const home = await fetch(`${url}/`, {
          redirect: "manual",
          headers: { accept: "text/html", cookie: session!.split(";")[0]! },
        });
        // Owners and admins land on Data Backup, everyone else on the home page.
        if (user === first) {
          expect(home.status).toBe(303);
          expect(home.headers.get("location")).toBe("/settings/data-backup");
        } else {
          expect(home.status).toBe(200);
          expect(await home.text()).toContain(`as a <strong>${user.role}</strong>`);
        }
      }
      const wrong = await signInOverHttp(url!, "acme", first.email, chosen);
      expect(wrong.status).toBe(401);
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await server.exited).toBe(0);
  });
});
