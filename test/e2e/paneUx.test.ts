/**
 * The pane as its users meet it, in Chromium against the real server and X3 emulator: at 320 and 800 px,
 * light and dark, English and French, with axe-core's WCAG 2.1 AA rules; a sales rep turning a deletion on
 * and seeing it reach X3; LDUPONT told what X3 lacks; ADMIN editing LDUPONT's setup; a pinned pane keeping
 * its edits; Outlook's theme changing live; Windows high contrast; the keyboard alone.
 *
 * Screenshots go to test-output/screenshots (ignored by git), to be looked at.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { PANE_CACHE_KEY } from "../../src/core/paneCache";
import type { RunningAddinServer } from "../../src/server/server";
import { browserAvailable, launchChromium, paneContext, type PaneServer, startPaneServer } from "./browser";
import { installOfficeShim, type ShimOptions, type ShimWindow } from "./officeShim";

const SHOTS = resolve(__dirname, "../../test-output/screenshots");
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const run = browserAvailable() ? describe : describe.skip;

jest.setTimeout(120_000);

const USERS = {
  jsmith: { email: "jsmith@contoso.com", displayName: "John Smith" },
  ldupont: { email: "ldupont@contoso.com", displayName: "Léa Dupont" },
  admin: { email: "admin@contoso.com", displayName: "X3 Administrator" },
} as const;

interface Open {
  readonly user?: keyof typeof USERS;
  readonly width?: number;
  readonly language?: string;
  readonly dark?: boolean;
  readonly context?: BrowserContext;
}

run("the pane as its users meet it (Chromium)", () => {
  let running: PaneServer;
  let server: RunningAddinServer;
  let browser: Browser;
  let context: BrowserContext;
  /** Each mailbox's roaming settings as Outlook last saved them. */
  const roaming = new Map<string, Record<string, unknown>>();

  const newContext = (extra: BrowserContextOptions = {}) => paneContext(browser, { viewport: { width: 320, height: 800 }, ...extra });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    running = await startPaneServer("addin-ux-");
    server = running.server;
    browser = await launchChromium();
    context = await newContext();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await running?.close();
  });

  async function openPane({ user = "jsmith", width = 320, language = "en-US", dark = false, context: c = context }: Open = {}): Promise<Page> {
    const who = USERS[user];
    const page = await c.newPage();
    await page.setViewportSize({ width, height: 800 });
    await page.exposeFunction("__saveRoaming", (json: string) => {
      roaming.set(who.email, JSON.parse(json) as Record<string, unknown>);
    });
    const options: ShimOptions = { ...who, displayLanguage: language, dark, settings: roaming.get(who.email) ?? {} };
    await page.addInitScript(installOfficeShim, options);
    await page.goto(`${server.url}/taskpane.html`);
    await page.getByTestId("user-name").filter({ hasText: who.displayName }).waitFor();
    // The server has answered (the status is no longer "checking with the server").
    await page.getByTestId("status").filter({ hasText: /X3|Not saved/ }).waitFor();
    return page;
  }

  const toggle = (page: Page, label: string) => page.getByRole("switch", { name: label, exact: true });

  /** axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now; returns the violations, described. */
  async function axe(page: Page): Promise<string[]> {
    // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const w = window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } };
      const result = await w.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
      return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ")}`);
    });
    return violations;
  }

  async function noHorizontalScroll(page: Page): Promise<void> {
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  }

  it("axe finds what it should (the check itself can fail)", async () => {
    const page = await openPane();
    await page.evaluate(() => {
      const bad = document.createElement("button");
      document.querySelector("main")!.append(bad); // a button without a name
    });
    expect((await axe(page)).some((v) => v.startsWith("button-name"))).toBe(true);
    await page.close();
  });

  describe.each([
    [320, "light", "en-US"],
    [320, "dark", "en-US"],
    [320, "light", "fr-FR"],
    [320, "dark", "fr-FR"],
    [800, "light", "en-US"],
    [800, "dark", "en-US"],
    [800, "light", "fr-FR"],
    [800, "dark", "fr-FR"],
  ] as const)("at %i px, %s, %s", (width, theme, language) => {
    it("shows the whole matrix without horizontal scrolling, with no axe violation", async () => {
      const page = await openPane({ width, language, dark: theme === "dark" });
      const french = language.startsWith("fr");
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(french ? "fr" : "en");
      expect(await page.locator(".fui-FluentProvider").first().getAttribute("data-theme")).toBe(theme);
      expect(await page.getByRole("switch").count()).toBe(23);
      await toggle(page, french ? "Créer contact Outlook" : "Create Outlook contact").waitFor();
      await noHorizontalScroll(page);
      expect(await axe(page)).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `pane-${width}-${theme}-${french ? "fr" : "en"}.png`), fullPage: true });
      await page.close();
    });
  });

  it("a sales rep at 320 px is told what a deletion means before it turns on, saves, and sees it reach X3", async () => {
    const page = await openPane();
    await expect(page.getByTestId("sentences-contact").innerText()).resolves.toMatch(/Nothing you do to contacts in Outlook reaches X3/);

    await toggle(page, "Delete X3 contact").click();
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain("Deleting a contact in Outlook will delete it in X3.");
    // Behind the modal dialog the pane is hidden from assistive technology (Fluent marks it aria-hidden,
    // sometimes only after the dialog is shown), so the switch is looked up among hidden elements too.
    expect(await page.getByRole("switch", { name: "Delete X3 contact", exact: true, includeHidden: true }).isChecked()).toBe(false);
    // Cancel has the focus: a stray Enter or Space never turns a deletion on.
    await page.waitForFunction(() => document.activeElement?.textContent === "Cancel");
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "confirm-delete-320.png") });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" }).catch(() => dialog.waitFor({ state: "hidden" }));
    expect(await toggle(page, "Delete X3 contact").isChecked()).toBe(false);

    await toggle(page, "Create X3 contact").click();
    await toggle(page, "Delete X3 contact").click();
    await dialog.getByRole("button", { name: "Turn deletion on" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await toggle(page, "Delete X3 contact").isChecked()).toBe(true);
    await expect(page.getByTestId("sentences-contact").innerText()).resolves.toMatch(
      /Contacts you create or delete in Outlook are created or deleted in X3/,
    );
    await page.getByTestId("dirty").filter({ hasText: "2 unsaved changes" }).waitFor();

    await page.keyboard.press("Control+s");
    await page.getByRole("status").filter({ hasText: /Saved to X3 at/ }).waitFor();
    const syncpar = server.emulator?.app.x3Emulator.store.get("SYNCPAR", "JSMITH")?.values;
    expect(syncpar).toMatchObject({ CORADXCRE: 2, CORADXDLT: 2, CORADXUPD: 1 });
    expect(roaming.get(USERS.jsmith.email)?.[PANE_CACHE_KEY]).toMatchObject({ flags: { CORADXDLT: true }, pending: null });
    await page.screenshot({ path: join(SHOTS, "saved-320.png"), fullPage: true });
    await page.close();
  });

  it("opens each flag's help, presets and history with the keyboard alone, without axe violations", async () => {
    const page = await openPane({ width: 320 });
    // The help of a flag: its "i" button, Enter, Escape back to the button.
    await page.getByRole("button", { name: "About “Create Outlook task”" }).focus();
    await page.keyboard.press("Enter");
    await page.getByText(/authorizes the creation of tasks in Outlook/).waitFor();
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "help-popover-320.png") });
    await page.keyboard.press("Escape");
    await page.getByText(/authorizes the creation of tasks in Outlook/).waitFor({ state: "detached" });
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("About “Create Outlook task”");

    // Presets: arrow keys choose, the changes show, Escape leaves everything as it was.
    await page.getByRole("button", { name: "Presets…" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await dialog.getByRole("radio", { name: /Never delete/ }).check();
    await dialog.getByTestId("preset-changes").waitFor();
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "presets-320.png") });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await page.getByTestId("dirty").count()).toBe(0);

    await page.getByRole("button", { name: "History" }).click();
    await page.getByRole("heading", { name: /History of/ }).waitFor();
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "history-320.png"), fullPage: true });
    await page.close();
  });

  it("reaches every switch by Tab in reading order, and Space toggles it", async () => {
    const page = await openPane({ width: 800 });
    await page.locator("body").focus();
    const seen: string[] = [];
    // Tab until focus comes round again (Save and Discard are disabled while nothing changed).
    for (let i = 0; i < 150; i += 1) {
      await page.keyboard.press("Tab");
      const name = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el) return "";
        const labelled = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
        return el.getAttribute("aria-label") ?? labelled ?? el.textContent?.trim() ?? "";
      });
      if (seen.length > 0 && name === seen[0]) break;
      seen.push(name);
    }
    const switches = ["Create Outlook contact", "Update Outlook contact", "Delete Outlook contact", "Create X3 contact"];
    const positions = switches.map((s) => seen.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(seen.filter((s) => /^About “/.test(s))).toHaveLength(23);

    await toggle(page, "Update Outlook task").focus();
    // A visible focus indicator: Fluent draws it as an outline or a box shadow.
    await page.keyboard.press("Space");
    expect(await toggle(page, "Update Outlook task").isChecked()).toBe(true);
    await page.close();
  });

  it("tells LDUPONT exactly what X3 lacks for synchronization to run", async () => {
    const page = await openPane({ user: "ldupont", language: "fr-FR" });
    const box = page.getByTestId("prerequisites");
    await box.waitFor();
    expect(await box.innerText()).toMatch(
      /Vous n'avez pas de code représentant dans X3 \(Paramétrage > Utilisateurs > Utilisateurs, Paramètres, chapitre CRM, groupe COL : AUSCRMF — code représentant\)/,
    );
    // Editing stays possible.
    expect(await toggle(page, "Créer tâche X3").isDisabled()).toBe(false);
    await page.screenshot({ path: join(SHOTS, "ldupont-320-fr.png"), fullPage: true });
    await page.close();
  });

  it("lets ADMIN open LDUPONT's setup from the header, change it and see it reach X3", async () => {
    const page = await openPane({ user: "admin" });
    const picker = page.getByRole("combobox", { name: /Open the setup of/ });
    await picker.click();
    await page.keyboard.press("Control+a");
    await page.keyboard.type("dupont");
    await page.getByRole("option", { name: /Léa Dupont \(LDUPONT\)/ }).waitFor();
    await page.screenshot({ path: join(SHOTS, "admin-picker-320.png") });
    await page.getByRole("option", { name: /Léa Dupont \(LDUPONT\)/ }).click();
    await page.getByTestId("user-code").filter({ hasText: "LDUPONT" }).waitFor();
    await page.getByTestId("prerequisites").filter({ hasText: "This user has no sales rep code" }).waitFor();
    expect(await axe(page)).toEqual([]);

    const before = await toggle(page, "Update X3 appt.").isChecked();
    await toggle(page, "Update X3 appt.").click();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: /Saved to X3 at/ }).waitFor();
    expect(server.emulator?.app.x3Emulator.store.get("SYNCPAR", "LDUPONT")?.values).toMatchObject({ BAPADXUPD: before ? 1 : 2 });
    expect(await server.store.get("LDUPONT")).toMatchObject({ updatedBy: "admin@contoso.com", flags: { BAPADXUPD: !before } });
    // The administrator's own mailbox never keeps someone else's setup.
    expect(JSON.stringify(roaming.get(USERS.admin.email) ?? {})).not.toContain("LDUPONT");
    await page.screenshot({ path: join(SHOTS, "admin-ldupont-320.png"), fullPage: true });

    await page.getByRole("button", { name: "Back to my own setup" }).click();
    await page.getByTestId("user-code").filter({ hasText: "ADMIN" }).waitFor();
    await page.close();
  });

  it("keeps its state and unsaved edits when a pinned pane's item changes", async () => {
    const page = await openPane();
    const wasOn = await toggle(page, "Update X3 task").isChecked();
    await toggle(page, "Update X3 task").click();
    await page.getByTestId("dirty").waitFor();
    expect(await page.evaluate(() => (window as unknown as ShimWindow).__officeHandlerCount("olkItemSelectedChanged"))).toBe(1);
    for (let i = 0; i < 3; i += 1) {
      expect(await page.evaluate(() => (window as unknown as ShimWindow).__fireItemChanged())).toBe(1);
    }
    await page.waitForTimeout(300);
    expect(await toggle(page, "Update X3 task").isChecked()).toBe(!wasOn);
    await page.getByTestId("dirty").waitFor();
    await page.close();
  });

  it("follows Outlook when its theme changes while the pane is open", async () => {
    const page = await openPane();
    const background = () => page.evaluate(() => getComputedStyle(document.querySelector(".fui-FluentProvider")!).backgroundColor);
    expect(await background()).toBe("rgb(255, 255, 255)");
    await page.evaluate(() => (window as unknown as ShimWindow).__setOfficeTheme(true));
    await page.locator('[data-theme="dark"]').waitFor();
    expect(await background()).toBe("rgb(41, 41, 41)");
    await page.close();
  });

  /** Runs in the page from its start: every data-theme the pane's FluentProvider has had, in order. */
  function recordThemes(): void {
    const w = window as unknown as { __themes: string[] };
    w.__themes = [];
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === "attributes" && (r.target as Element).matches(".fui-FluentProvider")) w.__themes.push(r.oldValue ?? "");
        for (const node of Array.from(r.addedNodes)) {
          if (node instanceof Element) {
            for (const p of [node, ...Array.from(node.querySelectorAll(".fui-FluentProvider"))]) {
              if (p.matches(".fui-FluentProvider")) w.__themes.push(`inserted ${p.getAttribute("data-theme")}`);
            }
          }
        }
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-theme"], attributeOldValue: true });
  }
  const themesSeen = (page: Page) => page.evaluate(() => (window as unknown as { __themes: string[] }).__themes);

  it("shows a dark Outlook's pane dark from its first frame (the dark theme's chunk is waited for)", async () => {
    const light = await newContext({ colorScheme: "light" }); // the system says nothing of Outlook's dark theme
    await light.addInitScript(recordThemes);
    const page = await openPane({ context: light, dark: true });
    expect(await page.locator(".fui-FluentProvider").first().getAttribute("data-theme")).toBe("dark");
    expect(await themesSeen(page)).toEqual(["inserted dark"]);
    await page.close();
    await light.close();
  });

  it("opens in light when the dark theme's chunk cannot be downloaded, and turns dark once it can", async () => {
    const offline = await newContext();
    await offline.route(/\/themes\.[0-9a-f]{16}\.js$/, (route) => route.abort());
    await offline.addInitScript(recordThemes);
    const page = await openPane({ context: offline, dark: true });
    expect(await page.getByRole("switch").count()).toBe(23);
    expect(await page.locator(".fui-FluentProvider").first().getAttribute("data-theme")).toBe("light");
    await offline.unroute(/\/themes\.[0-9a-f]{16}\.js$/);
    await page.locator('[data-theme="dark"]').waitFor({ timeout: 15_000 });
    expect(await themesSeen(page)).toEqual(["inserted light", "light"]);
    await page.close();
    await offline.close();
  });

  it("uses the high-contrast theme when Windows forces its colours", async () => {
    const hc = await newContext({ forcedColors: "active", colorScheme: "dark" });
    const page = await openPane({ context: hc, width: 320 });
    await page.locator('[data-theme="high-contrast"]').waitFor();
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "pane-320-high-contrast.png"), fullPage: true });
    await page.close();
    await hc.close();
  });
});
