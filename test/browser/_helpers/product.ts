/**
 * The product as a newcomer runs it: `hirevault start` (the compiled CLI, what `npm start` runs)
 * on a fresh data dir, its database, and the demo sign-in it prints on first start.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import type { DialectName } from "../../../src/db/dialect.js";
import { SCREENSHOTS } from "../../support/browser.js";
import { runCli, spawnCli } from "../../support/cli.js";
import { createTestDatabase, type TestDatabase } from "../../support/dialects.js";

export interface Product {
  url: string;
  account: string;
  email: string;
  password: string;
  apiToken: string;
  dataDir: string;
  env: Record<string, string | undefined>;
  /** Runs another CLI command against the same database and files. */
  cli(args: string[]): ReturnType<typeof runCli>;
  stop(): Promise<void>;
}

export async function startProduct(dialect: DialectName): Promise<Product> {
  let database: TestDatabase | undefined;
  if (dialect === "postgres") {
    database = await createTestDatabase(dialect);
    await database.close(); // the product's processes own it from here
  }
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hv-browser-"));
  const env = { HIREVAULT_DATA_DIR: dataDir, DATABASE_URL: database?.url, PORT: "0" };
  const server = spawnCli(["start"], env);
  const [, url] = await server.waitFor(/Hirevault is running at (http:\/\/\S+)/, 180_000);
  const printed = server.output().stdout;
  const field = (label: string) => {
    const m = new RegExp(`^\\s+${label}:\\s+(\\S+)$`, "m").exec(printed);
    if (!m) throw new Error(`start printed no ${label}:\n${printed}`);
    return m[1]!;
  };
  const token = /^\s+(hv_\S+)$/m.exec(printed);
  return {
    url: url!,
    account: field("Account"),
    email: field("Email"),
    password: field("Password"),
    apiToken: token![1]!,
    dataDir,
    env,
    cli: (args) => runCli(args, env),
    async stop() {
      server.child.kill("SIGTERM");
      await server.exited;
      await database?.drop().catch(() => undefined);
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A full-page screenshot in `test-output/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await fs.mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs in through the form, with the keyboard only: type, Tab to the next field, Enter. */
export async function signInWithKeyboard(
  page: Page,
  p: Pick<Product, "url" | "account" | "email" | "password">,
) {
  await page.goto(p.url);
  await page.waitForURL(/\/login/);
  await page.getByLabel("Account").focus();
  await page.keyboard.type(p.account);
  await page.keyboard.press("Tab");
  await page.keyboard.type(p.email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(p.password);
  await page.keyboard.press("Enter");
}

/**
 * A new browser context (its own cookies) signed in as the printed demo admin, on the page sign-in
 * leads to (Data Backup). Desktop-sized and accepting downloads unless `options` say otherwise.
 */
export async function signedIn(browser: Browser, p: Product, options: BrowserContextOptions = {}) {
  const context = await browser.newContext({
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  const page = await context.newPage();
  await signInWithKeyboard(page, p);
  await page.waitForURL(/\/settings\/data-backup$/);
  return { context, page };
}
