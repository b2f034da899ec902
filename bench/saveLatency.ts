/**
 * Part 3, save latency: the built pane in headless Chromium (the Office shim standing in for office.js)
 * against the real add-in server with its embedded X3 emulator, SQLite store, as the browser tests run it.
 * 50 saves through the UI (toggle "Create Outlook contact", click Save), each timed from the click to
 *  - the server's acknowledgement: the PUT's response as the page sees it, and
 *  - SYNCPAR: the emulator's store writing the row (the server and emulator run in this process).
 * Both ends are read as wall-clock times with sub-millisecond precision (performance.timeOrigin + now() in
 * the page and here), on the same machine clock. The server answers a save after trying to deliver it for
 * up to 3 s, so SYNCPAR normally changes before the acknowledgement arrives.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/server/config";
import { startAddinServer } from "../src/server/server";
import { CHROMIUM, launchChromium, paneContext } from "../test/e2e/browser";
import { installOfficeShim, type ShimOptions } from "../test/e2e/officeShim";
import { type BenchPart, percentile, ROOT, round } from "./lib";

const SAVES = 50;
/** The design bounds a save's wait for X3 at 3 s: a figure above it means the wait was cut short. */
const DESIGN_WAIT_MS = 3000;
const FLAG_LABEL = "Create Outlook contact";
const FLAG = "COROTKCRE";

/** The repository's root, from build/bench/bench/ (compiled) — where dist/ is. */

/** Wall-clock milliseconds with performance.now()'s precision, comparable with the page's. */
const wallNow = (): number => performance.timeOrigin + performance.now();

interface BenchWindow {
  __bench: { clicks: number[]; acks: number[] };
}

/** Runs in the page before its scripts: records Save clicks and the setup PUTs' responses. */
function installProbe(): void {
  const w = window as unknown as BenchWindow;
  w.__bench = { clicks: [], acks: [] };
  const now = () => performance.timeOrigin + performance.now();
  document.addEventListener(
    "click",
    (e) => {
      const button = (e.target as Element | null)?.closest("button");
      if (button?.textContent?.trim() === "Save") w.__bench.clicks.push(now());
    },
    true,
  );
  const original = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const response = await original(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if ((init?.method ?? "GET").toUpperCase() === "PUT" && url.includes("/api/v1/setups/")) w.__bench.acks.push(now());
    return response;
  };
}

export const part: BenchPart = {
  id: "save",
  async run() {
    const title = "3. Save latency (50 saves through the pane)";
    const dist = join(ROOT, "dist");
    if (!existsSync(CHROMIUM)) return { title, rows: [], skipped: `no Chromium at ${CHROMIUM}` };
    if (!existsSync(join(dist, "taskpane.html"))) return { title, rows: [], skipped: "dist/ is not built (npm run build:pane)" };

    const dir = await mkdtemp(join(tmpdir(), "bench-save-"));
    const config = loadConfig({ PORT: "0", X3_EMULATOR_PORT: "0", DATA_DIR: dir, STATIC_DIR: dist, LOG_LEVEL: "silent" }, dir);
    const previousEmulatorData = process.env.X3_EMULATOR_DATA;
    process.env.X3_EMULATOR_DATA = join(dir, "x3-emulator.json");
    const server = await startAddinServer(config, { officeCertsFolder: null, logger: false });
    const browser = await launchChromium();
    try {
      const emulator = server.emulator;
      if (!emulator) throw new Error("the add-in server started without its embedded X3 emulator");
      const syncparWrites: number[] = [];
      emulator.app.x3Emulator.store.onWrite((table, row) => {
        if (table === "SYNCPAR" && row.values.SYPUSR === "JSMITH") syncparWrites.push(wallNow());
      });

      const context = await paneContext(browser);
      await context.exposeFunction("__saveRoaming", () => undefined);
      const page = await context.newPage();
      const shim: ShimOptions = { email: "jsmith@contoso.com", displayName: "John Smith", displayLanguage: "en-US", dark: false, settings: {} };
      await page.addInitScript(installOfficeShim, shim);
      await page.addInitScript(installProbe);
      await page.goto(`${server.url}/taskpane.html`);
      await page.getByText("John Smith").waitFor();
      const toggle = page.getByRole("switch", { name: FLAG_LABEL, exact: true });
      const save = page.getByRole("button", { name: "Save" });

      const ack: number[] = [];
      const x3: number[] = [];
      for (let i = 0; i < SAVES; i++) {
        await toggle.click();
        await save.click();
        await page.waitForFunction((n) => (window as unknown as BenchWindow).__bench.acks.length >= n, i + 1, { timeout: 15_000 });
        const deadline = Date.now() + 15_000;
        while (syncparWrites.length < i + 1) {
          if (Date.now() > deadline) throw new Error(`save ${i + 1} did not reach SYNCPAR`);
          await new Promise((r) => setTimeout(r, 5));
        }
        const probe = await page.evaluate(() => (window as unknown as BenchWindow).__bench);
        const clicked = probe.clicks[i]!;
        ack.push(probe.acks[i]! - clicked);
        x3.push(syncparWrites[i]! - clicked);
      }
      // The last save is what X3 holds: 50 toggles from No leave the flag No (an even count).
      const finalValue = emulator.app.x3Emulator.store.get("SYNCPAR", "JSMITH")?.values[FLAG];
      await context.close();

      const stat = (values: number[], p: number) => round(percentile(values, p), 1);
      // No budget in the issue for this part: figures only, set beside the design's 3 s bound on the wait.
      const bound = `the design waits ≤ ${DESIGN_WAIT_MS / 1000} s for X3`;
      return {
        title,
        rows: [
          { name: "click → acknowledged, p50", value: stat(ack, 50), unit: "ms", note: "the PUT's response, as the page sees it" },
          { name: "click → acknowledged, p99", value: stat(ack, 99), unit: "ms", note: bound },
          { name: "click → SYNCPAR, p50", value: stat(x3, 50), unit: "ms", note: "the emulator's store writing the row" },
          { name: "click → SYNCPAR, p99", value: stat(x3, 99), unit: "ms", note: `X3 holds ${FLAG}=${String(finalValue)} after ${SAVES} toggles (1 = No)` },
        ],
        details: { saves: SAVES, ackMs: ack.map((v) => round(v, 2)), syncparMs: x3.map((v) => round(v, 2)) },
      };
    } finally {
      await browser.close();
      await server.close();
      if (previousEmulatorData === undefined) delete process.env.X3_EMULATOR_DATA;
      else process.env.X3_EMULATOR_DATA = previousEmulatorData;
      await rm(dir, { recursive: true, force: true });
    }
  },
};
