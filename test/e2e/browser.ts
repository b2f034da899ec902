/**
 * Debian's Chromium through playwright-core, for the browser tests. In CI a missing Chromium fails the
 * run; elsewhere the browser tests are skipped with a notice.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium } from "playwright-core";
import { loadConfig } from "../../src/server/config";
import { type RunningAddinServer, startAddinServer } from "../../src/server/server";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === "true") {
    throw new Error(`Chromium is required for the browser tests in CI, and ${CHROMIUM} does not exist (apt-get install chromium).`);
  }
  process.stderr.write(`\n*** Browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium). ***\n\n`);
  return false;
}

export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
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
      ...extraArgs,
    ],
  });
}

/** office.js cannot come from Microsoft's CDN here: the Office shim (officeShim.ts) stands in for it. */
export async function stubOfficeJs(context: BrowserContext): Promise<void> {
  await context.route("https://appsforoffice.microsoft.com/**", (route) =>
    route.fulfill({ status: 200, contentType: "text/javascript", body: "/* office.js: see the test's shim */" }),
  );
}

/** A browser context as Outlook's pane: 320 px wide, no animations, the server's dev certificate accepted. */
export async function paneContext(browser: Browser, extra: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 320, height: 900 }, reducedMotion: "reduce", ...extra });
  await stubOfficeJs(context);
  return context;
}

export const DIST = resolve(__dirname, "../../dist");

export interface PaneServer {
  readonly server: RunningAddinServer;
  close(): Promise<void>;
}

/** The add-in server serving the built pane, with its embedded X3 emulator, in a data folder of its own. */
export async function startPaneServer(prefix: string): Promise<PaneServer> {
  if (!existsSync(join(DIST, "taskpane.html"))) throw new Error("dist/ is not built: run `npm run build` (npm test does)");
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const config = loadConfig({ PORT: "0", X3_EMULATOR_PORT: "0", DATA_DIR: dir, STATIC_DIR: DIST, LOG_LEVEL: "silent" }, dir);
  process.env.X3_EMULATOR_DATA = join(dir, "x3-emulator.json");
  const server = await startAddinServer(config, { officeCertsFolder: null, logger: false });
  return {
    server,
    async close() {
      await server.close();
      delete process.env.X3_EMULATOR_DATA;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
