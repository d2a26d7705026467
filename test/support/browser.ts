/**
 * Headless Chromium for the web page tests: Debian's `chromium` (installed by `.ci/run`) driven
 * by playwright-core, which never downloads a browser of its own. The flags are the ones this
 * machine needs: no sandbox as root, and no background traffic to Google's hosts, which the
 * closed network refuses. Each launch gets a new, empty profile (playwright makes a temporary
 * `--user-data-dir` per launch and deletes it on close).
 */
import fs from "node:fs";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Whether the browser suites can run. In CI they must: a missing browser fails the run instead
 * of skipping the suite (`.ci/run` installs it); locally a missing browser skips with a note.
 */
export function browserAvailable(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CI === "true")
    throw new Error(`CI must run the browser suites, but ${CHROMIUM} is missing`);
  process.stderr.write(`browser suites skipped: no ${CHROMIUM} (apt-get install chromium)\n`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Where screenshots go: `test-output/screenshots/` (ignored by git, kept by CI as output). */
export const SCREENSHOTS = path.resolve("test-output/screenshots");
