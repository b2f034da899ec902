/**
 * What a person sees while each of the pane's overlays is open, at 320 and 800 px, light and dark: the
 * controls outside a popover or listbox still visible and reachable (the topmost element at their centre is
 * them), a modal dialog's backdrop dimming the whole pane and nothing more, and every overlay inside the
 * viewport. Checks of roles and axe rules pass on a pane whose pop-ups paint a solid block over it; these
 * look at pixels' owners instead (document.elementFromPoint) and at the backdrop's colour.
 *
 * Screenshots go to test-output/screenshots/overlay-*.png, to be looked at.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { Agent, request } from "undici";
import type { RunningAddinServer } from "../../src/server/server";
import { browserAvailable, launchChromium, paneContext, type PaneServer, startPaneServer } from "./browser";
import { installOfficeShim, type ShimOptions } from "./officeShim";

const SHOTS = resolve(__dirname, "../../test-output/screenshots");
const run = browserAvailable() ? describe : describe.skip;

jest.setTimeout(180_000);

const ADMIN = { email: "admin@contoso.com", displayName: "X3 Administrator" } as const;

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const intersects = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
/** The centre of `a` lies in `b`: where elementFromPoint looks. */
const centreIn = (a: Box, b: Box) => intersects({ x: a.x + a.width / 2, y: a.y + a.height / 2, width: 0.5, height: 0.5 }, b);

/** The parts of the pane a person keeps looking at while an overlay is open. */
const LANDMARKS = [
  { name: "the pane's title", locate: (p: Page) => p.getByRole("heading", { level: 1 }) },
  { name: "the History button", locate: (p: Page) => p.getByRole("button", { name: /^(History|Back to the setup)$/ }) },
  { name: "the first switch", locate: (p: Page) => p.getByRole("switch").first() },
  { name: "the Save button", locate: (p: Page) => p.getByRole("button", { name: "Save", exact: true }) },
] as const;

run("the pane's overlays as a person sees them (Chromium)", () => {
  let running: PaneServer;
  let server: RunningAddinServer;
  let browser: Browser;
  let context: BrowserContext;
  // The server's development certificate is self-signed.
  const agent = new Agent({ connect: { rejectUnauthorized: false } });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    running = await startPaneServer("addin-overlays-");
    server = running.server;
    browser = await launchChromium();
    context = await paneContext(browser);
    // ADMIN's setup gets a history (two saves), so that a version can be restored.
    const token = await devToken(ADMIN.email);
    for (const [version, on] of [[0, true], [1, false]] as const) {
      const current = (await api(`/api/v1/setups/ADMIN`, token)) as { flags: Record<string, boolean> };
      await api(`/api/v1/setups/ADMIN`, token, "PUT", { flags: { ...current.flags, TSKOTKUPD: on } }, version);
    }
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await running?.close();
    await agent.close();
  });

  async function devToken(email: string): Promise<string> {
    const body = (await api("/api/v1/dev/token", null, "POST", { email })) as { access_token: string };
    return body.access_token;
  }

  async function api(path: string, token: string | null, method = "GET", body?: unknown, ifMatch?: number): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    if (ifMatch !== undefined) headers["if-match"] = `"${ifMatch}"`;
    const answer = await request(`${server.url}${path}`, {
      method: method as "GET",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher: agent,
    });
    const text = await answer.body.text();
    if (answer.statusCode >= 300) throw new Error(`${method} ${path}: ${answer.statusCode} ${text}`);
    return JSON.parse(text) as unknown;
  }

  async function openPane(width: number, dark: boolean, displayLanguage = "en-US"): Promise<Page> {
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 800 });
    await page.exposeFunction("__saveRoaming", () => undefined);
    const options: ShimOptions = { ...ADMIN, displayLanguage, dark, settings: {} };
    await page.addInitScript(installOfficeShim, options);
    await page.goto(`${server.url}/taskpane.html`);
    await page.getByTestId("user-name").filter({ hasText: ADMIN.displayName }).waitFor();
    await page.getByTestId("status").filter({ hasText: /X3|Not saved|Pas encore/ }).waitFor();
    return page;
  }

  const viewportOf = (page: Page): Box => {
    const v = page.viewportSize()!;
    return { x: 0, y: 0, width: v.width, height: v.height };
  };

  /** The element painted topmost at the centre of `target` is `target` itself or inside it. */
  async function reachable(target: Locator): Promise<boolean> {
    return target.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return hit !== null && (el === hit || el.contains(hit));
    });
  }

  /** Each landmark that lies in view and outside the overlay is visible and is what a click there reaches. */
  async function expectPaneStillSeen(page: Page, overlay: Box): Promise<void> {
    const covered: string[] = [];
    let checked = 0;
    for (const landmark of LANDMARKS) {
      const target = landmark.locate(page);
      if ((await target.count()) === 0) continue;
      const box = await target.first().boundingBox();
      if (!box || intersects(box, overlay) || !centreIn(box, viewportOf(page))) continue;
      checked += 1;
      if (!(await target.first().isVisible()) || !(await reachable(target.first()))) covered.push(landmark.name);
    }
    expect(covered).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  }

  /** Inside the viewport, and not glued to its left or right edge. */
  function expectInside(page: Page, box: Box | null, margin = 0): void {
    const v = viewportOf(page);
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(margin);
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(v.width - margin);
    expect(box!.y + box!.height).toBeLessThanOrEqual(v.height);
  }

  /** A modal's backdrop covers exactly the viewport with a translucent colour, and is what the edges hit. */
  async function expectDimmedBackdrop(page: Page): Promise<void> {
    const backdrop = page.locator(".fui-DialogSurface__backdrop");
    await backdrop.waitFor();
    const box = await backdrop.boundingBox();
    const v = viewportOf(page);
    expect(box).toEqual({ x: 0, y: 0, width: v.width, height: v.height });
    const alpha = await backdrop.evaluate((el) => {
      const colour = getComputedStyle(el).backgroundColor;
      const m = /rgba?\(([^)]+)\)/.exec(colour);
      const parts = m ? m[1]!.split(",").map((s) => Number(s.trim())) : [];
      return parts.length === 4 ? parts[3]! : 1;
    });
    expect(alpha).toBeGreaterThan(0.1);
    expect(alpha).toBeLessThan(0.9);
    // Every edge of the pane is dimmed: the backdrop is what a point there reaches, and nothing else is over it.
    const edges = await backdrop.evaluate((el) => {
      const { innerWidth: w, innerHeight: h } = window;
      const points = [
        [2, 2],
        [w - 2, 2],
        [2, h - 2],
        [w - 2, h - 2],
        [w - 2, h / 2],
        [2, h / 2],
      ];
      return points.map(([x, y]) => {
        const hit = document.elementFromPoint(x!, y!);
        return hit === el || (hit !== null && el.contains(hit)) || (hit?.closest(".fui-DialogSurface") ?? null) !== null;
      });
    });
    expect(edges).toEqual(edges.map(() => true));
    // The pane behind it shows through: no opaque block between the backdrop and the pane.
    const opaqueAbove = await page.evaluate(() => {
      const root = document.getElementById("root")!;
      const portals = Array.from(document.body.children).filter((c) => c !== root && c.tagName === "DIV");
      return portals
        .filter((p) => {
          const style = getComputedStyle(p);
          const r = p.getBoundingClientRect();
          return r.width * r.height > 0 && style.backgroundColor !== "rgba(0, 0, 0, 0)" && style.backgroundColor !== "transparent";
        })
        .map((p) => p.className);
    });
    expect(opaqueAbove).toEqual([]);
  }

  describe.each([
    [320, "light"],
    [320, "dark"],
    [800, "light"],
    [800, "dark"],
  ] as const)("at %i px, %s", (width, theme) => {
    const dark = theme === "dark";
    const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `overlay-${name}-${width}-${theme}.png`) });

    it("the help popover leaves the pane visible around it", async () => {
      const page = await openPane(width, dark);
      await page.getByRole("button", { name: "About “Create Outlook task”" }).click();
      const surface = page.locator(".fui-PopoverSurface");
      await surface.getByText(/authorizes the creation of tasks in Outlook/).waitFor();
      await shot(page, "help");
      const box = await surface.boundingBox();
      expectInside(page, box, 8);
      await expectPaneStillSeen(page, box!);
      // The button it belongs to stays in sight.
      expect(await reachable(page.getByRole("button", { name: "About “Create Outlook task”" }))).toBe(true);
      await page.close();
    });

    it("the user picker's list leaves the field being typed in, and the pane, visible", async () => {
      const page = await openPane(width, dark);
      const picker = page.getByRole("combobox", { name: /Open the setup of/ });
      await picker.click();
      await page.keyboard.type("dupont");
      const listbox = page.getByRole("listbox");
      await page.getByRole("option", { name: /Léa Dupont \(LDUPONT\)/ }).waitFor();
      await shot(page, "picker");
      const box = await listbox.boundingBox();
      expectInside(page, box);
      expect(await reachable(picker)).toBe(true);
      await expectPaneStillSeen(page, box!);
      await page.close();
    });

    it("the presets dialog dims the whole pane and fits in it", async () => {
      const page = await openPane(width, dark);
      await page.getByRole("button", { name: "Presets…" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByRole("radio", { name: /Never delete/ }).check();
      await dialog.getByTestId("preset-changes").waitFor();
      await shot(page, "presets");
      // Every preset reads as choosable: the unselected ones' labels are not greyed as if disabled (the
      // pointer moved off the one just chosen, whose label Fluent tints while hovered).
      await page.mouse.move(1, 1);
      const colours = await dialog.evaluate((d) => ({
        title: getComputedStyle(d.querySelector("h2")!).color,
        labels: Array.from(d.querySelectorAll(".fui-Radio__label")).map((l) => getComputedStyle(l).color),
      }));
      expect(colours.labels).toHaveLength(5);
      expect(new Set(colours.labels)).toEqual(new Set([colours.title]));
      await expectDimmedBackdrop(page);
      expectInside(page, await page.locator(".fui-DialogSurface").boundingBox(), 8);
      await page.close();
    });

    it("the deletion confirmation dims the whole pane, fits in it, and its buttons keep their words on one line", async () => {
      const page = await openPane(width, dark);
      const wanted = page.getByRole("switch", { name: "Delete X3 task", exact: true });
      if (await wanted.isChecked()) {
        await wanted.click(); // turning it off needs no confirmation
      }
      await wanted.click();
      const dialog = page.getByRole("alertdialog");
      await dialog.waitFor();
      await shot(page, "confirm");
      await expectDimmedBackdrop(page);
      expectInside(page, await page.locator(".fui-DialogSurface").boundingBox(), 8);
      for (const name of ["Cancel", "Turn deletion on"]) {
        const lines = await dialog.getByRole("button", { name }).evaluate((b) => {
          const style = getComputedStyle(b);
          return Math.round((b.getBoundingClientRect().height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)) / parseFloat(style.lineHeight));
        });
        expect(`${name}: ${lines} line(s)`).toBe(`${name}: 1 line(s)`);
      }
      await page.close();
    });

    it("the history, and the restore confirmation over it", async () => {
      const page = await openPane(width, dark);
      await page.getByRole("button", { name: "History" }).click();
      await page.getByRole("heading", { name: /History of/ }).waitFor();
      const restore = page.getByRole("button", { name: "Restore this version" }).first();
      await restore.waitFor();
      await expectPaneStillSeen(page, { x: 0, y: 0, width: 0, height: 0 });
      await shot(page, "history");
      await restore.click();
      await page.getByRole("alertdialog").waitFor();
      await shot(page, "restore");
      await expectDimmedBackdrop(page);
      expectInside(page, await page.locator(".fui-DialogSurface").boundingBox(), 8);
      await page.close();
    });

    it("a sign-in that fails says so without hiding the pane", async () => {
      const signInContext = await paneContext(browser);
      // A production server's Entra ID sign-in, which this Outlook (the shim: no dialog API) cannot do.
      await signInContext.route("**/api/v1/auth/config", (route) =>
        route.fulfill({
          status: 200,
          contentType: "application/json",
          body: JSON.stringify({ mode: "entra", clientId: "11111111-2222-3333-4444-555555555555", authority: "https://login.microsoftonline.com/common", scopes: ["api://localhost/11111111-2222-3333-4444-555555555555/access_as_user"] }),
        }),
      );
      await signInContext.route("https://login.microsoftonline.com/**", (route) => route.abort());
      const page = await signInContext.newPage();
      await page.setViewportSize({ width, height: 800 });
      await page.exposeFunction("__saveRoaming", () => undefined);
      await page.addInitScript(installOfficeShim, { ...ADMIN, displayLanguage: "en-US", dark, settings: {} } satisfies ShimOptions);
      await page.goto(`${server.url}/taskpane.html`);
      const notice = page.locator(".fui-MessageBar").filter({ hasText: /Signing in to Microsoft 365 did not work/ });
      await page.waitForTimeout(3000).then(() => shot(page, "sign-in"));
      await notice.waitFor({ timeout: 30_000 });
      await shot(page, "sign-in");
      const box = await notice.boundingBox();
      expectInside(page, box);
      expect(await reachable(notice.getByRole("button", { name: "Try again" }))).toBe(true);
      expect(await reachable(page.getByRole("heading", { level: 1 }))).toBe(true);
      await page.close();
      await signInContext.close();
    });
  });

  it("at 320 px in French, with unsaved changes, the save bar keeps to two rows", async () => {
    const page = await openPane(320, false, "fr-FR");
    await page.getByRole("switch", { name: "Créer tâche X3", exact: true }).click();
    await page.getByRole("switch", { name: "Modifier tâche X3", exact: true }).click();
    await page.getByTestId("dirty").filter({ hasText: "2 modifications non enregistrées" }).waitFor();
    await page.screenshot({ path: join(SHOTS, "overlay-bar-320-fr.png") });
    const save = await page.getByRole("button", { name: "Enregistrer", exact: true }).boundingBox();
    const discard = await page.getByRole("button", { name: "Ignorer", exact: true }).boundingBox();
    const badge = await page.getByTestId("dirty").boundingBox();
    // Row one: Save and Discard; then the count, with the status sentence flowing after it on its line.
    expect(discard!.y).toBe(save!.y);
    expect(badge!.y).toBeGreaterThan(save!.y + save!.height - 1);
    const firstLine = await page.getByTestId("status").evaluate((el) => el.getClientRects()[0]!.toJSON() as DOMRect);
    expect(firstLine.y).toBeLessThan(badge!.y + badge!.height);
    expect(firstLine.x).toBeGreaterThan(badge!.x + badge!.width);
    // The whole bar takes at most an eighth of the pane's 800 px (it took a fifth, in four rows).
    const height = await page.getByTestId("status").evaluate((el) => {
      let bar: Element | null = el;
      while (bar && getComputedStyle(bar).position !== "sticky") bar = bar.parentElement;
      return bar!.getBoundingClientRect().height;
    });
    expect(height).toBeLessThanOrEqual(100);
    await page.close();
  });

  it("the unchecked 'all' toggles read as live controls, in the text's colour, not greyed as if disabled", async () => {
    const page = await openPane(320, false);
    const colours = await page.evaluate(() => {
      const card = document.querySelector('section[aria-labelledby="all-entities"]')!;
      const labels = Array.from(card.querySelectorAll("label"));
      const text = getComputedStyle(document.querySelector("h1")!).color;
      return { text, labels: labels.map((l) => getComputedStyle(l).color) };
    });
    expect(colours.labels).toHaveLength(6);
    expect(new Set(colours.labels)).toEqual(new Set([colours.text]));
    await page.close();
  });
});
