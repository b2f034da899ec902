/**
 * The whole path, for real: the built pane in Chromium (with an Office shim for jsmith@contoso.com), the
 * add-in server over HTTPS with its SQLite store, and the X3 emulator's SYNCPAR table.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { Agent, request } from "undici";
import { PANE_CACHE_KEY } from "../../src/core/paneCache";
import type { RunningAddinServer } from "../../src/server/server";
import { browserAvailable, launchChromium, paneContext, type PaneServer, startPaneServer } from "./browser";
import { installOfficeShim, type ShimOptions } from "./officeShim";

const SHOTS = resolve(__dirname, "../../test-output/screenshots");
const run = browserAvailable() ? describe : describe.skip;

jest.setTimeout(90_000);

run("the task pane in Chromium", () => {
  let running: PaneServer;
  let server: RunningAddinServer;
  let browser: Browser;
  let context: BrowserContext;
  let roaming: Record<string, unknown> = {};

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    running = await startPaneServer("addin-e2e-");
    server = running.server;
    browser = await launchChromium();
    context = await paneContext(browser);
    await context.exposeFunction("__saveRoaming", (json: string) => {
      roaming = JSON.parse(json) as Record<string, unknown>;
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await running?.close();
  });

  async function openPane(shim: Partial<ShimOptions> = {}): Promise<Page> {
    const page = await context.newPage();
    const options: ShimOptions = {
      email: "jsmith@contoso.com",
      displayName: "John Smith",
      displayLanguage: "en-US",
      dark: false,
      settings: roaming,
      ...shim,
    };
    await page.addInitScript(installOfficeShim, options);
    await page.goto(`${server.url}/taskpane.html`);
    return page;
  }

  const toggle = (page: Page, label: string) => page.getByRole("switch", { name: label, exact: true });

  it("saves a flag to roaming settings, the server's store and X3's SYNCPAR, and shows it on reopening", async () => {
    const page = await openPane();
    await page.getByText("John Smith").waitFor();
    await expectChecked(toggle(page, "Create Outlook contact"), false);
    await page.screenshot({ path: join(SHOTS, "pane-320-before.png"), fullPage: true });

    await toggle(page, "Create Outlook contact").click();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: /Saved to X3 at/ }).waitFor();
    await page.screenshot({ path: join(SHOTS, "pane-320-saved.png"), fullPage: true });

    expect(roaming[PANE_CACHE_KEY]).toMatchObject({ userCode: "JSMITH", version: 1, flags: { COROTKCRE: true }, pending: null });
    expect(await server.store.get("JSMITH")).toMatchObject({ version: 1, flags: { COROTKCRE: true, CORADXCRE: false } });
    expect(server.emulator?.app.x3Emulator.store.get("SYNCPAR", "JSMITH")?.values).toMatchObject({ COROTKCRE: 2, CORADXCRE: 1 });
    // Over HTTP/2: the page, its scripts, style sheet and strings, and the API's reads and the save.
    const protocols = await page.evaluate(() => {
      const own = [
        ...performance.getEntriesByType("navigation"),
        ...performance.getEntriesByType("resource").filter((e) => e.name.startsWith(location.origin)),
      ] as PerformanceResourceTiming[];
      return { requests: own.length, protocols: [...new Set(own.map((e) => e.nextHopProtocol))] };
    });
    expect(protocols.requests).toBeGreaterThan(5);
    expect(protocols.protocols).toEqual(["h2"]);
    await page.close();

    const again = await openPane();
    await again.getByText("John Smith").waitFor();
    await expectChecked(toggle(again, "Create Outlook contact"), true);
    await again.getByRole("status").filter({ hasText: /Saved to X3 at/ }).waitFor();
    await again.close();
  });

  it("is styled from its style sheet: no rule inserted at run time, lazy views' included, no CSP violation", async () => {
    const page = await openPane();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.getByText("John Smith").waitFor();
    // A lazy view: the first flag's explanation, in a popover.
    await page.locator("[data-flag] button").first().click();
    await page.getByText(/this flag authorizes the creation of Outlook contacts/).waitFor();
    const styles = await page.evaluate(() => ({
      inserted: document.querySelectorAll("style[data-make-styles-bucket]").length,
      sheets: [...document.styleSheets].filter((s) => /\/griffel\.[0-9a-f]{16}\.css$/.test(s.href ?? "")).map((s) => s.cssRules.length),
      // Fluent's primary button, disabled while nothing changed: its disabled colours (not Chromium's), from the sheet.
      save: (() => {
        const save = [...document.querySelectorAll("button")].find((b) => b.textContent === "Save")!;
        const style = getComputedStyle(save);
        return { background: style.backgroundColor, color: style.color };
      })(),
    }));
    expect(styles.inserted).toBe(0);
    expect(styles.sheets).toHaveLength(1);
    expect(styles.sheets[0]).toBeGreaterThan(500);
    expect(styles.save).toEqual({ background: "rgb(240, 240, 240)", color: "rgb(189, 189, 189)" });
    expect(violations).toEqual([]);
    await page.close();
  });

  it("shows an edit made in X3 (GESSYP) when the pane opens", async () => {
    const emulatorUrl = server.emulator!.url;
    // As an X3 user would in GESSYP, through the emulator's test hook (same development certificate).
    const agent = new Agent({ connect: { ca: server.tls!.ca } });
    const res = await request(`${emulatorUrl}/__emulator/tables/SYNCPAR/JSMITH`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ TSKADXDLT: 2 }),
      dispatcher: agent,
    });
    await res.body.text();
    await agent.close();
    expect(res.statusCode).toBe(200);
    const page = await openPane();
    // The pane shows the roaming cache at once, then the server's (X3's) state.
    await page.waitForFunction(() => (document.querySelector('[data-flag="TSKADXDLT"] input') as HTMLInputElement | null)?.checked === true);
    await expectChecked(toggle(page, "Create Outlook contact"), true);
    expect(await server.store.get("JSMITH")).toMatchObject({ source: "x3", flags: { TSKADXDLT: true } });
    await page.close();
  });

  it("runs as a labelled browser preview without Office, with a picker of the demo users", async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/taskpane.html`);
    await page.getByText(/Browser preview/).waitFor();
    await page.getByTestId("demo-user").selectOption({ label: "Léa Dupont (LDUPONT)" });
    await page.getByTestId("user-name").filter({ hasText: "Léa Dupont" }).waitFor();
    await page.getByTestId("user-code").filter({ hasText: "LDUPONT" }).waitFor();
    // The emulator's seed gives LDUPONT a SYNCPAR row with X3 → Outlook on: the pane starts from it.
    await expectChecked(toggle(page, "Create Outlook task"), true);
    await expectChecked(toggle(page, "Create X3 task"), false);
    // She holds a sales position but has no sales rep code: the pane says what to set, and where.
    await page.getByTestId("prerequisites").filter({ hasText: "AUSCRMF" }).waitFor();
    expect(await page.getByTestId("prerequisites").innerText()).toMatch(/sales rep code.*CRM chapter, COL group/s);
    await page.screenshot({ path: join(SHOTS, "preview-320.png"), fullPage: true });
    await page.close();
  });

  it("lets the administrator test the connection to X3 from the pane", async () => {
    const page = await openPane({ email: "admin@contoso.com", displayName: "X3 Administrator", settings: {} });
    await page.getByTestId("user-name").filter({ hasText: "X3 Administrator" }).waitFor();
    await page.getByRole("button", { name: "Test the connection" }).click();
    const check = page.getByTestId("x3-check");
    await check.getByText(/Table SYNCDATA: OK/).waitFor();
    expect(await check.innerText()).not.toMatch(/failed|not tried/);
    await page.screenshot({ path: join(SHOTS, "admin-320.png"), fullPage: true });
    await page.close();
  });

  it("follows Outlook's language and theme", async () => {
    const page = await openPane({ displayLanguage: "fr-FR", dark: true });
    await page.getByText("John Smith").waitFor();
    await toggle(page, "Créer contact Outlook").waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("fr");
    const background = await page.evaluate(() => getComputedStyle(document.querySelector(".fui-FluentProvider")!).backgroundColor);
    expect(background).toBe("rgb(41, 41, 41)");
    await page.setViewportSize({ width: 800, height: 900 });
    await page.screenshot({ path: join(SHOTS, "pane-800-dark-fr.png"), fullPage: true });
    await page.close();
  });
});

async function expectChecked(locator: ReturnType<Page["getByRole"]>, checked: boolean): Promise<void> {
  await locator.waitFor();
  expect(await locator.isChecked()).toBe(checked);
}
