/**
 * Debian's Chromium through playwright-core, for the browser tests. In CI a missing Chromium fails the
 * run; elsewhere the browser tests are skipped with a notice.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === "true") {
    throw new Error(`Chromium is required for the browser tests in CI, and ${CHROMIUM} does not exist (apt-get install chromium).`);
  }
  process.stderr.write(`\n*** Browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium). ***\n\n`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
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
