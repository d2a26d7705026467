import crypto from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NAV } from "../../src/web/layout.js";
import { extract, readSheet } from "../exports/formats/helpers.js";
import { browserAvailable, launchChromium } from "../support/browser.js";
import { DIALECTS } from "../support/dialects.js";
import { readCsvFile, readExport, records } from "../support/read-export.js";
import { type Product, screenshot, signedIn, signInWithKeyboard, startProduct } from "./_helpers/product.js";

const available = browserAvailable();

// real: `hirevault start` as a child process (SQLite file or PostgreSQL, local blobs, worker),
// Debian's Chromium through playwright-core. The newcomer's path (docs/WEB.md): from the URL that
// start prints to a downloaded monthly backup, by clicks (and typing the printed sign-in).
describe.each(DIALECTS)("newcomer in a browser on %s", (dialect) => {
  let product: Product;
  let browser: Browser;
  let downloads: string;

  beforeAll(async () => {
    if (!available) return;
    [product, browser] = await Promise.all([startProduct(dialect), launchChromium()]);
    downloads = await fs.mkdtemp(path.join(os.tmpdir(), "hv-downloads-"));
  });
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    if (downloads) await fs.rm(downloads, { recursive: true, force: true });
  });

  it.runIf(available)(
    "signs in, enables backups, waits for the backup, downloads it and it opens",
    async () => {
      const { context, page } = await signedIn(browser, product);
      await screenshot(page, `${dialect}-01-data-backup-empty`);
      expect(await page.getByText("No backup yet.").isVisible()).toBe(true);

      await page.getByLabel("Enable Monthly Backups").check();
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByText("Monthly backups are on").waitFor();
      await screenshot(page, `${dialect}-02-data-backup-enabled`);
      expect(await page.getByLabel("Enable Monthly Backups").isChecked()).toBe(true);

      // The page follows the run by itself (script polling) until the download link is there.
      const link = page.getByRole("link", { name: "Download backup" });
      await link.waitFor({ timeout: 120_000 });
      await screenshot(page, `${dialect}-03-data-backup-ready`);
      const facts = await page.locator("dl.facts").innerText();
      expect(facts).toMatch(/Made\s+\d{1,2} \w{3} \d{4}, \d{2}:\d{2} (GMT|BST)/); // the demo account is Europe/London
      const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
      const file = path.join(downloads, download.suggestedFilename());
      await download.saveAs(file);
      expect(path.basename(file)).toMatch(/^demo-backup-\d{4}-\d{2}-\d{2}\.zip$/);

      // Open it: the zip's CRCs hold, its root holds exactly Candidates.xlsx and Resumes/, the
      // sheet parses, and the bytes are the ones the API lists for the latest backup.
      const zip = await readExport(file);
      expect(zip.testzip).toBeNull();
      const roots = new Set(zip.entries.map((e) => e.name.split("/")[0]));
      expect([...roots].sort()).toEqual(["Candidates.xlsx", "Resumes"]);
      expect(
        zip.entries.filter((e) => e.name.startsWith("Resumes/") && !e.name.endsWith("/")).length,
      ).toBeGreaterThan(0);
      const sheet = readSheet(extract(path.join(extract(file), "Candidates.xlsx")));
      expect(sheet.header.slice(0, 3)).toEqual(["Candidate ID", "Candidate Name", "Candidate Email"]);
      expect(sheet.rows.length).toBeGreaterThanOrEqual(300); // 300 demo candidates, one row per application
      const api = await fetch(`${product.url}/api/v1/backup-schedule`, {
        headers: { authorization: `Bearer ${product.apiToken}` },
      });
      const schedule = (await api.json()) as {
        enabled: boolean;
        latest_backup: { artifacts: { sha256: string }[] };
      };
      expect(schedule.enabled).toBe(true);
      const sha = crypto
        .createHash("sha256")
        .update(await fs.readFile(file))
        .digest("hex");
      expect(sha).toBe(schedule.latest_backup.artifacts[0]!.sha256);

      // The Candidates Excel Report on its own: the same sheet, row for row
      // (docs/EXPORTS.md#the-monthly-backup, docs/EXPORTS.md#the-candidates-excel-report).
      const [report] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: "Download Candidates.xlsx" }).click(),
      ]);
      const reportFile = path.join(downloads, report.suggestedFilename());
      await report.saveAs(reportFile);
      const reportSheet = readSheet(extract(reportFile));
      expect(reportSheet.header).toEqual(sheet.header);
      expect(reportSheet.rows.length).toBe(sheet.rows.length);

      // The download went through the signed link, so it is in the audit log, by the signed-in user.
      const audited = async (action: string) => {
        const res = await fetch(`${product.url}/api/v1/audit-log?action=${action}`, {
          headers: { authorization: `Bearer ${product.apiToken}` },
        });
        return ((await res.json()) as { data: { actor_id: string | null }[] }).data;
      };
      const [signInEntry] = await audited("user.signed_in");
      const downloaded = await audited("export.downloaded");
      expect(downloaded).toHaveLength(1);
      expect(downloaded[0]!.actor_id).toBe(signInEntry!.actor_id);
      await context.close();
    },
  );

  it.runIf(available)(
    "requests a full export while an invoice is pending, sees it wait, and it finishes once paid",
    async () => {
      const invoices = await product.cli(["invoice", "list", "--account", product.account]);
      const pending = invoices.stdout.split("\n").find((l) => / pending /.test(l));
      const number = pending!.trim().split(/\s+/)[0]!;
      const { context, page } = await signedIn(browser, product);
      await page.getByRole("link", { name: "Data Export" }).click();
      await page.getByRole("button", { name: "Request full export" }).click();
      await page.getByText("Waiting for payment.").waitFor();
      expect(await page.locator("main").innerText()).toContain(number);
      await screenshot(page, `${dialect}-06-full-export-waiting-for-payment`);

      // Billing marks the invoice paid; the open page notices by itself and follows the run.
      const paid = await product.cli(["invoice", "pay", number, "--account", product.account]);
      expect(paid.code, paid.stderr).toBe(0);
      const master = page.getByRole("link", { name: "Download the master CSV" });
      await master.waitFor({ timeout: 120_000 });
      await screenshot(page, `${dialect}-07-full-export-ready`);
      const expiry = await page.locator("main").innerText();
      expect(expiry).toMatch(/\d{1,2} \w{3} \d{4}, \d{2}:\d{2} (GMT|BST)/);

      const [download] = await Promise.all([page.waitForEvent("download"), master.click()]);
      const file = path.join(downloads, download.suggestedFilename());
      await download.saveAs(file);
      const csv = await readCsvFile(file);
      expect(csv.bom).toBe(true);
      const rows = records(csv);
      expect(rows.map((r) => r.Part)).toEqual(["Data Files (CSV)", "Attachments", "Internal CVs"]);
      // Each part's link works from the CSV as it would from an email, and its bytes match.
      for (const r of rows) {
        expect(r.Link!.startsWith(`${product.url}/downloads/`)).toBe(true);
        const res = await fetch(r.Link!);
        expect(res.status, r.Part).toBe(200);
        const bytes = Buffer.from(await res.arrayBuffer());
        expect(crypto.createHash("sha256").update(bytes).digest("hex"), r.Part).toBe(r["SHA-256"]);
      }

      // Revoke: the page says so and the links answer Access denied.
      page.once("dialog", (d) => void d.accept());
      await page.getByRole("button", { name: "Revoke links" }).click();
      await page.getByText("Revoked", { exact: true }).first().waitFor();
      await screenshot(page, `${dialect}-08-full-export-revoked`);
      expect((await fetch(rows[0]!.Link!)).status).toBe(410);
      await context.close();
    },
  );

  it.runIf(available)("requests a snapshot that verifies, and creates an API token shown once", async () => {
    const { context, page } = await signedIn(browser, product);
    await page.getByRole("link", { name: "Snapshots" }).click();
    await page.getByRole("button", { name: "Request snapshot" }).click();
    const link = page.getByRole("link", { name: "Download" });
    await link.waitFor({ timeout: 120_000 });
    await screenshot(page, `${dialect}-09-snapshot-ready`);
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const file = path.join(downloads, download.suggestedFilename());
    await download.saveAs(file);
    const verified = await product.cli(["verify", file]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/snapshot verified/);

    await page.getByRole("link", { name: "API tokens" }).click();
    await page.getByLabel("Name").fill("from the browser");
    await page.getByLabel("Role").selectOption("admin");
    await page.getByRole("button", { name: "Create token" }).click();
    const shown = (await page.locator("output#new-token").innerText()).trim();
    expect(shown).toMatch(/^hv_[A-Za-z0-9_-]{40,}$/);
    expect(await page.getByRole("button", { name: "Copy token" }).isVisible()).toBe(true); // the script unhid it
    await screenshot(page, `${dialect}-10-api-token-created`);
    const me = await fetch(`${product.url}/api/v1/me`, { headers: { authorization: `Bearer ${shown}` } });
    expect(me.status).toBe(200);
    await page.reload();
    expect(await page.content()).not.toContain(shown);
    await context.close();
  });

  it.runIf(available)("is usable with the keyboard alone: skip link, checkbox, button", async () => {
    const { context, page } = await signedIn(browser, product);
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("A:Skip to content");
    await page.keyboard.press("Enter");
    expect(await focused(page)).toBe("MAIN:");
    await tabTo(page, "INPUT:checkbox");
    expect(await page.getByLabel("Enable Monthly Backups").isChecked()).toBe(true);
    await page.keyboard.press("Space");
    await tabTo(page, "BUTTON:Save");
    await screenshot(page, `${dialect}-04-keyboard-focus-on-save`);
    await page.keyboard.press("Enter");
    await page.getByText("Monthly backups are off").waitFor();
    expect(await page.getByLabel("Enable Monthly Backups").isChecked()).toBe(false);
    await context.close();
  });

  it.runIf(available)("is readable on a phone: no page scrolls sideways", async () => {
    const { context, page } = await signedIn(browser, product, {
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    for (const href of NAV.map((n) => n.href)) {
      await page.goto(`${product.url}${href}`);
      // Page scripts are strings here: the test project is typed for Node, without the DOM library.
      const [scroll, screen] = await page.evaluate<number[]>(
        "[document.documentElement.scrollWidth, window.innerWidth]",
      );
      expect(scroll, `${href} is ${scroll} px wide on a ${screen} px screen`).toBeLessThanOrEqual(screen!);
      await screenshot(page, `${dialect}-phone${href.replaceAll("/", "-")}`);
    }
    await context.close();
  });

  it.runIf(available)("refuses the export pages to a recruiter, with a page that says why", async () => {
    const users = await product.cli(["user", "list", "--account", product.account]);
    const line = users.stdout.split("\n").find((l) => l.includes("\trecruiter\tactive"));
    const recruiter = line!.split("\t")[0]!;
    const set = await product.cli(["user", "password", "--account", product.account, "--email", recruiter]);
    expect(set.code, set.stderr).toBe(0);
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithKeyboard(page, { ...product, email: recruiter, password: set.stdout.trim() });
    await page.getByText("You are signed in to the account").waitFor();
    expect(await page.getByRole("navigation", { name: "Settings" }).count()).toBe(0);
    const res = await page.goto(`${product.url}/settings/data-export`);
    expect(res!.status()).toBe(403);
    expect(await page.getByRole("heading", { name: "Owners and admins only" }).isVisible()).toBe(true);
    await screenshot(page, `${dialect}-05-recruiter-refused`);
    await context.close();
  });
});

/** `TAG:text` (or `INPUT:type`) of the focused element. */
function focused(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    const el = document.activeElement;
    if (!el) return "";
    if (el.tagName === "INPUT") return "INPUT:" + el.type;
    return el.tagName + ":" + (el.tagName === "MAIN" ? "" : (el.innerText || "").trim());
  })()`);
}

/** Presses Tab until `target` has the focus (at most 40 times: the control must be reachable). */
async function tabTo(page: Page, target: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    if ((await focused(page)) === target) return;
  }
  throw new Error(`Tab never reached ${target}`);
}
