/**
 * The pane on a phone (issue 23): Outlook on iOS and Android open the same taskpane.html full screen. In
 * Chromium with touch emulation (coarse pointer, no hover) at 360 × 640 and 390 × 844, light and dark,
 * English and French: no horizontal scroll; every switch, checkbox and button a touch target at least
 * 44 px high; the ⓘ help opens on a tap and closes on a tap outside; the sticky save bar never hides
 * the last card; the administrator's search field stays in view when the on-screen keyboard takes
 * half the screen; axe-core's rules as in paneUx.test.ts.
 *
 * Screenshots go to test-output/screenshots/mobile-*.png (ignored by git), to be looked at.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { RunningAddinServer } from "../../src/server/server";
import { browserAvailable, launchChromium, paneContext, type PaneServer, startPaneServer } from "./browser";
import { installOfficeShim, type ShimOptions } from "./officeShim";

const SHOTS = resolve(__dirname, "../../test-output/screenshots");
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const run = browserAvailable() ? describe : describe.skip;

jest.setTimeout(120_000);

/** Apple's and Google's minimum touch target (44 pt on iOS, 48 dp on Android; WCAG 2.5.5 asks 44 CSS px). */
const TOUCH = 44;

const USERS = {
  jsmith: { email: "jsmith@contoso.com", displayName: "John Smith" },
  admin: { email: "admin@contoso.com", displayName: "X3 Administrator" },
} as const;

const PHONES = [
  { name: "360x640", width: 360, height: 640 },
  { name: "390x844", width: 390, height: 844 },
] as const;
type Phone = (typeof PHONES)[number];

interface Open {
  readonly user?: keyof typeof USERS;
  readonly language?: string;
  readonly dark?: boolean;
}

run("the pane on a phone (Chromium, touch emulation)", () => {
  let running: PaneServer;
  let server: RunningAddinServer;
  let browser: Browser;
  const contexts = new Map<string, BrowserContext>();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    running = await startPaneServer("addin-mobile-");
    server = running.server;
    browser = await launchChromium();
    for (const phone of PHONES) {
      // A phone: touch, a mobile viewport (the page's meta viewport applies), no mouse.
      contexts.set(phone.name, await paneContext(browser, { viewport: { width: phone.width, height: phone.height }, hasTouch: true, isMobile: true }));
    }
  });

  afterAll(async () => {
    for (const c of contexts.values()) await c.close();
    await browser?.close();
    await running?.close();
  });

  async function openPane(phone: Phone, { user = "jsmith", language = "en-US", dark = false }: Open = {}): Promise<Page> {
    const who = USERS[user];
    const page = await contexts.get(phone.name)!.newPage();
    await page.exposeFunction("__saveRoaming", () => undefined);
    const options: ShimOptions = { ...who, displayLanguage: language, dark, settings: {} };
    await page.addInitScript(installOfficeShim, options);
    await page.goto(`${server.url}/taskpane.html`);
    await page.getByTestId("user-name").filter({ hasText: who.displayName }).waitFor();
    await page.getByTestId("status").filter({ hasText: /X3|Not saved|enregistr/ }).waitFor();
    return page;
  }

  /** axe-core's WCAG 2.0/2.1 A and AA rules, as paneUx.test.ts runs them. */
  async function axe(page: Page): Promise<string[]> {
    await page.evaluate(AXE);
    return page.evaluate(async () => {
      const w = window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } };
      const result = await w.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
      return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ")}`);
    });
  }

  /**
   * Every visible switch, checkbox and button whose touch target is under 44 px high (or, for a button,
   * under 44 px wide). A switch's or checkbox's target is its input (Fluent stretches it over the
   * control's height) or its label, whichever is taller: a tap on either toggles it.
   */
  function smallTargets(page: Page, min: number): Promise<string[]> {
    return page.evaluate((minimum) => {
      const name = (el: Element) =>
        el.getAttribute("aria-label") ?? (el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null) ?? el.textContent?.trim() ?? el.tagName;
      const visible = (r: DOMRect) => r.width > 0 && r.height > 0;
      const small: string[] = [];
      for (const el of Array.from(document.querySelectorAll('[role="switch"], input[type="checkbox"], button'))) {
        const box = el.getBoundingClientRect();
        if (el instanceof HTMLInputElement) {
          const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
          const heights = [box.height, label?.getBoundingClientRect().height ?? 0];
          if (!visible(box) && !heights.some((h) => h > 0)) continue;
          const h = Math.max(...heights);
          if (h < minimum) small.push(`${el.getAttribute("role") ?? "checkbox"} “${name(el)}”: ${Math.round(h)} px high`);
        } else {
          if (!visible(box)) continue;
          if (box.height < minimum || box.width < minimum) small.push(`button “${name(el)}”: ${Math.round(box.width)} × ${Math.round(box.height)} px`);
        }
      }
      return small;
    }, min);
  }

  async function noHorizontalScroll(page: Page): Promise<void> {
    const { scrollWidth, clientWidth, bodyWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      bodyWidth: document.body.scrollWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    expect(bodyWidth).toBeLessThanOrEqual(clientWidth);
  }

  it("emulates a phone: coarse pointer, no hover, touch events", async () => {
    const page = await openPane(PHONES[0]);
    expect(await page.evaluate(() => ({
      coarse: matchMedia("(pointer: coarse)").matches,
      noHover: matchMedia("(hover: none)").matches,
      touch: "ontouchstart" in window,
      width: document.documentElement.clientWidth,
    }))).toEqual({ coarse: true, noHover: true, touch: true, width: 360 });
    // The check itself can fail: a small button is reported.
    await page.evaluate(() => {
      const b = document.createElement("button");
      b.textContent = "tiny";
      b.style.cssText = "height:20px;width:20px;padding:0";
      document.querySelector("main")?.append(b);
    });
    expect(await smallTargets(page, TOUCH)).toContain("button “tiny”: 20 × 20 px");
    await page.close();
  });

  describe.each(PHONES.flatMap((phone) => (["light", "dark"] as const).flatMap((theme) => (["en-US", "fr-FR"] as const).map((language) => [phone, theme, language] as const))))(
    "%o, %s, %s",
    (phone, theme, language) => {
      const tag = `${phone.name}-${theme}-${language.slice(0, 2)}`;

      it("fits the screen, with touch targets of 44 px and no axe violation", async () => {
        const page = await openPane(phone, { language, dark: theme === "dark" });
        expect(await page.locator(".fui-FluentProvider").first().getAttribute("data-theme")).toBe(theme);
        expect(await page.getByRole("switch").count()).toBe(23);
        await noHorizontalScroll(page);
        expect(await smallTargets(page, TOUCH)).toEqual([]);
        expect(await axe(page)).toEqual([]);
        // The first screen as the phone shows it, and the whole page (where the sticky bar is drawn where it stood).
        await page.screenshot({ path: join(SHOTS, `mobile-${tag}-top.png`) });
        await page.screenshot({ path: join(SHOTS, `mobile-${tag}.png`), fullPage: true });
        await page.close();
      });

      it("never hides the last card behind the sticky save bar", async () => {
        const page = await openPane(phone, { language, dark: theme === "dark" });
        // A change makes the bar as tall as it gets (the unsaved-changes badge joins the buttons).
        await page.getByRole("switch").nth(1).tap();
        await page.getByTestId("dirty").waitFor();
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        await page.waitForTimeout(100);
        const { cardBottom, barTop, viewport } = await page.evaluate(() => {
          const cards = document.querySelectorAll("section[data-entity]");
          const bar = document.querySelector('[data-testid="status"]')!.parentElement!;
          return {
            cardBottom: cards[cards.length - 1]!.getBoundingClientRect().bottom,
            barTop: bar.getBoundingClientRect().top,
            viewport: window.innerHeight,
          };
        });
        expect(cardBottom).toBeLessThanOrEqual(barTop);
        expect(barTop).toBeLessThan(viewport);
        await page.screenshot({ path: join(SHOTS, `mobile-${tag}-bottom.png`) });
        await page.close();
      });
    },
  );

  it.each(PHONES)("gives the administrator's picker, the presets and the history touch targets of 44 px too ($name)", async (phone) => {
    const page = await openPane(phone, { user: "admin" });
    const picker = page.getByRole("combobox", { name: /Open the setup of/ });
    expect(await smallTargets(page, TOUCH)).toEqual([]);
    // The field as drawn (its border included): the input fills it.
    const field = await page.locator(".fui-Combobox").boundingBox();
    expect(field!.height).toBeGreaterThanOrEqual(TOUCH);
    expect((await picker.boundingBox())!.height).toBeGreaterThanOrEqual(TOUCH - 2);
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `mobile-${phone.name}-admin.png`) });

    await page.getByRole("button", { name: "Presets…" }).tap();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    // Measured once Fluent's opening animation (a scale) has finished.
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
    await noHorizontalScroll(page);
    expect(await smallTargets(page, TOUCH)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `mobile-${phone.name}-presets.png`) });
    await dialog.getByRole("button", { name: "Cancel" }).tap();
    await dialog.waitFor({ state: "hidden" });

    await page.getByRole("button", { name: "History" }).tap();
    await page.getByRole("heading", { name: /History of/ }).waitFor();
    await noHorizontalScroll(page);
    expect(await smallTargets(page, TOUCH)).toEqual([]);
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `mobile-${phone.name}-history.png`), fullPage: true });
    await page.close();
  });

  it.each(PHONES)("asks before a deletion turns on, with buttons a finger can hit ($name)", async (phone) => {
    const page = await openPane(phone, { language: "fr-FR", dark: true });
    await page.getByRole("switch", { name: "Supprimer contact X3", exact: true }).tap();
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor();
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
    await noHorizontalScroll(page);
    expect(await smallTargets(page, TOUCH)).toEqual([]);
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `mobile-${phone.name}-confirm-delete.png`) });
    await dialog.getByRole("button", { name: "Annuler" }).tap();
    await dialog.waitFor({ state: "hidden" });
    expect(await page.getByRole("switch", { name: "Supprimer contact X3", exact: true }).isChecked()).toBe(false);
    await page.close();
  });

  // Fluent copies the FluentProvider's classes onto every portal node: the pane's layout sits on an element
  // inside the provider, so a dialog's portal carries none of it (no opaque sheet over the page).
  it("leaves the pane visible (dimmed) behind a dialog: portal nodes carry no layout of their own", async () => {
    const page = await openPane(PHONES[0]);
    await page.getByRole("switch", { name: "Delete Outlook contact", exact: true }).tap();
    await page.getByRole("alertdialog").waitFor();
    const portal = await page.evaluate(() => {
      const node = document.querySelector('[data-portal-node="true"]')!;
      const style = getComputedStyle(node);
      const box = node.getBoundingClientRect();
      // Fluent's own theme background may stay on it: what matters is that it paints no area of its own.
      const painted = style.backgroundColor !== "rgba(0, 0, 0, 0)" ? box.width * box.height : 0;
      return { minHeight: style.minHeight, paintedArea: painted };
    });
    await page.close();
    expect(portal).toEqual({ minHeight: "0px", paintedArea: 0 });
  });

  it.each(PHONES)("opens a flag's help on a tap and closes it on a tap outside ($name)", async (phone) => {
    const page = await openPane(phone);
    const help = page.getByText(/authorizes the creation of tasks in Outlook/);
    const info = page.getByRole("button", { name: "About “Create Outlook task”" });
    await info.scrollIntoViewIfNeeded();
    await info.tap();
    await help.waitFor();
    // The popover fits the screen.
    const surface = await page.locator(".fui-PopoverSurface").boundingBox();
    expect(surface).not.toBeNull();
    expect(surface!.x).toBeGreaterThanOrEqual(0);
    expect(surface!.x + surface!.width).toBeLessThanOrEqual(phone.width);
    await noHorizontalScroll(page);
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `mobile-${phone.name}-help.png`) });
    // A tap outside, on something that does nothing: the title of the same card, above the popover.
    const heading = await page.locator("section[data-entity] h2", { hasText: "Tasks" }).boundingBox();
    expect(heading!.y).toBeGreaterThanOrEqual(0);
    await page.touchscreen.tap(heading!.x + 4, heading!.y + heading!.height / 2);
    await help.waitFor({ state: "detached" });
    // A tap on the ⓘ again opens it again (nothing stuck half-open).
    await info.tap();
    await help.waitFor();
    await info.tap();
    await help.waitFor({ state: "detached" });
    // Android's Back closes the help, and leaves the pane where it is.
    const url = page.url();
    await info.tap();
    await help.waitFor();
    await page.goBack();
    await help.waitFor({ state: "detached" });
    expect(page.url()).toBe(url);
    expect(await page.getByRole("switch").count()).toBe(23);
    // Closed by a tap, it leaves no entry behind: Back then leaves nothing open to close.
    await info.tap();
    await help.waitFor();
    await info.tap();
    await help.waitFor({ state: "detached" });
    expect(await page.evaluate(() => (window.history.state as { x3SyncHelp?: string } | null)?.x3SyncHelp ?? null)).toBeNull();
    await page.close();
  });

  it.each(PHONES)("keeps the administrator's search field in view above the on-screen keyboard ($name)", async (phone) => {
    const page = await openPane(phone, { user: "admin" });
    const picker = page.getByRole("combobox", { name: /Open the setup of/ });
    await picker.tap();
    expect(await picker.evaluate((el) => el === document.activeElement)).toBe(true);
    // The keyboard takes the bottom of the screen: the viewport shrinks to 400 px.
    await page.setViewportSize({ width: phone.width, height: 400 });
    await page.waitForTimeout(200);
    await page.keyboard.type("dupont");
    const option = page.getByRole("option", { name: /Léa Dupont \(LDUPONT\)/ });
    await option.waitFor();
    // The search for "dupont" has answered (the list no longer shows everyone, nor "Searching…").
    await page.getByRole("option", { name: /John Smith/ }).waitFor({ state: "detached" });
    const inView = (box: { y: number; height: number } | null) => box !== null && box.y >= 0 && box.y + box.height <= 400;
    expect(await picker.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(inView(await picker.boundingBox())).toBe(true);
    expect(inView(await option.boundingBox())).toBe(true);
    // In view and not covered (by the list's layer, the save bar…): what is drawn at their centre is them.
    const uncovered = (el: Element) => {
      const r = el.getBoundingClientRect();
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return top !== null && (top === el || el.contains(top));
    };
    expect(await picker.evaluate(uncovered)).toBe(true);
    expect(await option.evaluate(uncovered)).toBe(true);
    await noHorizontalScroll(page);
    await page.screenshot({ path: join(SHOTS, `mobile-${phone.name}-admin-keyboard.png`) });
    await option.tap();
    await page.getByTestId("user-code").filter({ hasText: "LDUPONT" }).waitFor();
    await page.setViewportSize({ width: phone.width, height: phone.height });
    await page.close();
  });
});
