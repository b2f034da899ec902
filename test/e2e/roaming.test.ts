/**
 * The built pane in Chromium when Outlook's roaming settings fail (the Office shim's saveAsync, as Office's:
 * 9019 internal error, 9057 past 32 KB), against the real server and its X3 emulator: the change still
 * reaches X3, the user is told what happens, and what the pane writes stays far below the limit.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { PANE_CACHE_KEY } from "../../src/core/paneCache";
import type { RunningAddinServer } from "../../src/server/server";
import { browserAvailable, launchChromium, paneContext, type PaneServer, startPaneServer } from "./browser";
import { installOfficeShim, type ShimOptions, type ShimWindow } from "./officeShim";

const run = browserAvailable() ? describe : describe.skip;
const LIMIT = 32 * 1024;

jest.setTimeout(90_000);

/** Other keys of this add-in filling all of the 32 KB but `room` bytes. */
function filler(room: number): Record<string, string> {
  return { other: "x".repeat(LIMIT - room - JSON.stringify({ other: "" }).length) };
}

run("the task pane when roaming settings fail", () => {
  let running: PaneServer;
  let server: RunningAddinServer;
  let browser: Browser;
  let context: BrowserContext;
  let roaming: Record<string, unknown> = {};
  let savedBytes: number[] = [];

  beforeAll(async () => {
    running = await startPaneServer("addin-e2e-roaming-");
    server = running.server;
    browser = await launchChromium();
    context = await paneContext(browser);
    await context.exposeFunction("__saveRoaming", (json: string) => {
      roaming = JSON.parse(json) as Record<string, unknown>;
      savedBytes.push(Buffer.byteLength(json, "utf8"));
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await running?.close();
  });

  async function openPane(shim: Partial<ShimOptions>): Promise<Page> {
    const page = await context.newPage();
    const options: ShimOptions = { email: "jsmith@contoso.com", displayName: "John Smith", displayLanguage: "en-US", dark: false, settings: roaming, ...shim };
    await page.addInitScript(installOfficeShim, options);
    await page.addInitScript(watchRoamingNotices);
    await page.goto(`${server.url}/taskpane.html`);
    await page.getByText("John Smith").waitFor();
    return page;
  }

  async function saveFlag(page: Page, label: string): Promise<void> {
    await page.getByRole("switch", { name: label, exact: true }).click();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: /Saved to X3 at/ }).waitFor();
  }

  const outcomes = (page: Page) => page.evaluate(() => (window as unknown as ShimWindow).__saveOutcomes());
  const sawNotice = (page: Page) => page.evaluate(() => (window as unknown as { __sawRoamingNotice: boolean }).__sawRoamingNotice);

  it("retries a transient 9019 quietly, then says plainly when the settings are full (9057) and still saves to X3", async () => {
    // Near the limit, with room for what the pane writes: the first two saves fail with 9019, then succeed.
    roaming = filler(3000);
    savedBytes = [];
    const page = await openPane({ saveFailures: [9019, 9019] });
    // The cache written at open: two failures, retried by the adapter (0.5 s, then 2 s), then kept.
    await page.waitForFunction(() => (window as unknown as ShimWindow).__saveOutcomes().includes("ok"));
    expect(await outcomes(page)).toEqual(["9019", "9019", "ok"]);
    await saveFlag(page, "Create Outlook task");
    await page.waitForFunction(() => (window as unknown as ShimWindow).__saveOutcomes().length >= 5);
    expect(await outcomes(page)).toEqual(["9019", "9019", "ok", "ok", "ok"]);
    // Quietly: no notice about Outlook's settings was ever shown.
    expect(await sawNotice(page)).toBe(false);
    expect(roaming[PANE_CACHE_KEY]).toMatchObject({ schema: 1, userCode: "JSMITH", flags: { TSKOTKCRE: true }, pending: null });
    expect(roaming.other).toBe(filler(3000).other);
    const ours = Buffer.byteLength(JSON.stringify({ [PANE_CACHE_KEY]: roaming[PANE_CACHE_KEY] }), "utf8");
    process.stdout.write(`roaming e2e: the pane's value ${ours} bytes; the settings at most ${Math.max(...savedBytes)} of ${LIMIT} bytes\n`);
    expect(Math.max(...savedBytes)).toBeLessThanOrEqual(LIMIT);
    await page.close();

    // Now full: every save fails with 9057. The pane opens, saves to the server and X3, and says so.
    roaming = filler(100);
    const full = await openPane({});
    await full.getByText(/settings storage for this add-in is full/).waitFor();
    expect(await sawNotice(full)).toBe(true);
    await saveFlag(full, "Create X3 task");
    await full.getByText(/Your change is saved on the server/).waitFor();
    expect(await full.getByRole("switch", { name: "Create X3 task", exact: true }).isChecked()).toBe(true);
    expect(await server.store.get("JSMITH")).toMatchObject({ flags: { TSKOTKCRE: true, TSKADXCRE: true } });
    await full.waitForFunction(() => {
      const row = document.querySelector('[data-flag="TSKADXCRE"] input') as HTMLInputElement | null;
      return row?.checked === true;
    });
    expect(new Set(await outcomes(full))).toEqual(new Set(["9057"]));
    expect(roaming).toEqual(filler(100));
    expect(server.emulator?.app.x3Emulator.store.get("SYNCPAR", "JSMITH")?.values).toMatchObject({ TSKOTKCRE: 2, TSKADXCRE: 2 });
    await full.close();
  });
});

/** Runs in the page: records whether a notice about Outlook's settings was ever on screen. */
function watchRoamingNotices(): void {
  const w = window as unknown as { __sawRoamingNotice: boolean };
  w.__sawRoamingNotice = false;
  const look = () => {
    if (/Outlook could not|settings storage for this add-in/.test(document.body?.textContent ?? "")) w.__sawRoamingNotice = true;
  };
  document.addEventListener("DOMContentLoaded", () => {
    look();
    new MutationObserver(look).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
}
