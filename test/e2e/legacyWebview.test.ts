/**
 * Old Outlook (Outlook 2016 / 2019 on Windows) shows add-ins in Internet Explorer ("Trident") or the old
 * Microsoft Edge ("EdgeHTML"), where the pane (Fluent UI v9, ES2020) cannot run. Instead of a blank pane
 * they must show "update Outlook", in plain HTML: legacy-webview.js (ES3, a classic script, since
 * Internet Explorer skips the type="module" bundle and EdgeHTML cannot parse it), and index.tsx as a
 * second line. Chromium stands in for both webviews with their user agents (and, for Internet Explorer,
 * without the module bundle); the built dist/ is served with the real Content-Security-Policy.
 *
 * Also here: the Office shim's Mailbox events (ItemChanged, OfficeThemeChanged), which the pane tests use.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "acorn";
import Fastify, { type FastifyInstance } from "fastify";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { registerSecurity } from "../../src/server/plugins/security";
import { inlineScriptSources, registerStaticFiles } from "../../src/server/plugins/staticFiles";
import { browserAvailable, launchChromium, stubOfficeJs } from "./browser";
import { installOfficeShim, type ShimOptions, type ShimWindow } from "./officeShim";

const DIST = resolve(__dirname, "../../dist");
const SOURCE = resolve(__dirname, "../../src/taskpane/legacy-webview.js");

/** Outlook 2016 / 2019's Internet Explorer 11 webview, and Windows 10's EdgeHTML 18 webview. */
const TRIDENT_UA = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; .NET4.0C; .NET4.0E; rv:11.0) like Gecko";
const EDGE_HTML_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19041";
/** The current (Chromium) Edge says "Edg/": it runs the pane. */
const EDGE_CHROMIUM_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0";

jest.setTimeout(60_000);

function builtHtml(): string {
  const file = join(DIST, "taskpane.html");
  if (!existsSync(file)) throw new Error("dist/ is not built: run `npm run build` (npm test does)");
  return readFileSync(file, "utf8");
}

/** The <script> tags of the built taskpane.html, with their attributes. */
function scriptTags(html: string): { src: string | null; type: string | null; attrs: string; inline: boolean }[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => {
    const attrs = m[1] ?? "";
    const attr = (name: string) => new RegExp(`\\b${name}="?([^"\\s>]+)"?`).exec(attrs)?.[1] ?? null;
    return { src: attr("src"), type: attr("type"), attrs, inline: (m[2] ?? "").trim() !== "" };
  });
}

/** The legacy script as taskpane.html holds it: the last inline script, at the end of the body. */
function legacyScript(html: string): string {
  const tags = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
  const last = tags[tags.length - 1];
  if (!last || !/data-legacy-webview/.test(last[1]!)) throw new Error("taskpane.html does not hold legacy-webview.js");
  return last[1]!;
}

describe("legacy-webview.js", () => {
  const source = readFileSync(SOURCE, "utf8");

  it("parses as ES5, and even ES3 (Internet Explorer in an old document mode)", () => {
    expect(() => parse(source, { ecmaVersion: 5, sourceType: "script" })).not.toThrow();
    expect(() => parse(source, { ecmaVersion: 3, sourceType: "script" })).not.toThrow();
  });

  it("is checked by a parser that does refuse ES2015", () => {
    expect(() => parse("var f = () => 1;", { ecmaVersion: 5 })).toThrow();
    expect(() => parse("let a = 1;", { ecmaVersion: 5 })).toThrow();
  });
});

describe("the built taskpane.html", () => {
  it("loads the pane as a module script and holds legacy-webview.js as a classic script after the page's elements", () => {
    const html = builtHtml();
    const tags = scriptTags(html);
    const bundle = tags.find((t) => t.src && /^\/taskpane\.[0-9a-f]{16}\.js$/.test(t.src));
    expect(bundle?.type).toBe("module");
    // Two inline scripts, both classic: the first chunks' preload before office.js, the legacy script last.
    const inline = tags.filter((t) => t.inline);
    expect(inline).toHaveLength(2);
    expect(tags[tags.length - 1]).toBe(inline[1]);
    expect(inline.every((t) => t.type === null && t.attrs.trim() === "")).toBe(true);
    // It runs as soon as it is parsed: the message and the root must be above it.
    // (html-webpack-plugin minifies the page: attribute quotes are optional.)
    const legacyAt = html.lastIndexOf("<script>");
    expect(html.search(/id="?unsupported-webview\b/)).toBeGreaterThan(0);
    expect(html.search(/id="?unsupported-webview\b/)).toBeLessThan(legacyAt);
    expect(html.search(/id="?root\b/)).toBeLessThan(legacyAt);
  });

  it("has every inline script allowed by the server's Content-Security-Policy, by its hash, and no other", async () => {
    const app = Fastify({ logger: false });
    await registerSecurity(app, { rateLimitPerMinute: 10_000, inlineScripts: inlineScriptSources(DIST) });
    await registerStaticFiles(app, DIST);
    const res = await app.inject("/taskpane.html");
    await app.close();
    const scriptSrc = /script-src ([^;]*)/.exec(String(res.headers["content-security-policy"]))![1]!.split(" ");
    const hashes = [...res.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash("sha256").update(m[1]!).digest("base64")}'`);
    expect(hashes).toHaveLength(2);
    expect(scriptSrc).toEqual(expect.arrayContaining(hashes));
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    // The sign-in dialog's page has no inline script: its hashes are the pane's two.
    expect(scriptSrc.filter((s) => s.startsWith("'sha256-"))).toHaveLength(2);
  });

  it("carries the message in English and French, hidden", () => {
    const html = builtHtml();
    expect(html).toMatch(/<div id="?unsupported-webview"?[^>]*\bhidden\b/);
    expect(html).toMatch(/<div lang="?en"?>[\s\S]*Microsoft 365 or Outlook 2021 or later[\s\S]*new Outlook[\s\S]*Outlook on the web[\s\S]*IT department/);
    expect(html).toMatch(/<div lang="?fr"? hidden>[\s\S]*Outlook 2021 ou ultérieur[\s\S]*nouvel Outlook[\s\S]*Outlook sur le web[\s\S]*service informatique/);
    expect(html).toMatch(/http-equiv="?X-UA-Compatible"? content="?IE=edge"?/);
  });

  it("holds legacy-webview.js not bundled: minified by the page's minifier, still ES3", () => {
    const built = legacyScript(builtHtml());
    expect(() => parse(built, { ecmaVersion: 3, sourceType: "script" })).not.toThrow();
    // The same script, not webpack's runtime around it: its markers and messages are there.
    for (const text of ["data-legacy-webview", "unsupported-webview", "noModule", "Trident"]) expect(built).toContain(text);
    expect(built).not.toMatch(/__webpack_require__|webpackChunk/);
  });
});

const run = browserAvailable() ? describe : describe.skip;

run("the pane in old Outlook webviews (Chromium with their user agents)", () => {
  let app: FastifyInstance;
  let url: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    builtHtml();
    app = Fastify({ logger: false });
    await registerSecurity(app, { rateLimitPerMinute: 10_000, inlineScripts: inlineScriptSources(DIST) });
    await registerStaticFiles(app, DIST);
    url = await app.listen({ host: "127.0.0.1", port: 0 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
  });

  interface Open {
    readonly userAgent?: string;
    readonly locale?: string;
    /** Internet Explorer ignores type="module" scripts: the bundle is not fetched. */
    readonly withoutBundle?: boolean;
    readonly withoutLegacyScript?: boolean;
    readonly shim?: Partial<ShimOptions>;
  }

  async function open(options: Open = {}): Promise<{ page: Page; cspViolations: string[] }> {
    const context = await browser.newContext({
      viewport: { width: 320, height: 700 },
      ...(options.userAgent ? { userAgent: options.userAgent } : {}),
      locale: options.locale ?? "en-US",
    });
    contexts.push(context);
    await stubOfficeJs(context);
    if (options.withoutBundle) await context.route(/\/taskpane\.[0-9a-f]{16}\.js$/, (route) => route.abort());
    if (options.withoutLegacyScript) {
      // The page as served, without its last inline script (the legacy one): headers, CSP included, as sent.
      await context.route(/\/taskpane\.html$/, async (route) => {
        const response = await route.fetch();
        const html = await response.text();
        const without = html.slice(0, html.lastIndexOf("<script>")) + html.slice(html.lastIndexOf("</script>") + "</script>".length);
        expect(without).not.toContain("data-legacy-webview");
        await route.fulfill({ response, body: without });
      });
    }
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    if (options.shim) {
      await page.addInitScript(installOfficeShim, {
        email: "jsmith@contoso.com",
        displayName: "John Smith",
        displayLanguage: "en-US",
        dark: false,
        settings: {},
        ...options.shim,
      } satisfies ShimOptions);
    }
    await page.goto(`${url}/taskpane.html`, { waitUntil: "load" });
    return { page, cspViolations };
  }

  const message = (page: Page) => page.locator("#unsupported-webview");
  const rootChildren = (page: Page) => page.evaluate(() => document.getElementById("root")!.childElementCount);
  const rootVisible = (page: Page) => page.evaluate(() => getComputedStyle(document.getElementById("root")!).display !== "none");

  it("Internet Explorer: legacy-webview.js shows the message in English, and the pane stays empty", async () => {
    const { page, cspViolations } = await open({ userAgent: TRIDENT_UA, withoutBundle: true });
    await page.getByRole("heading", { name: "Please update Outlook" }).waitFor();
    expect(await message(page).isVisible()).toBe(true);
    expect(await message(page).innerText()).toMatch(/Microsoft 365 or Outlook 2021 or later.*new Outlook.*Outlook on the web/s);
    expect(await message(page).innerText()).toMatch(/Ask your IT department/);
    expect(await page.locator('#unsupported-webview [lang="fr"]').isVisible()).toBe(false);
    expect(await rootChildren(page)).toBe(0);
    expect(await rootVisible(page)).toBe(false);
    expect(await page.evaluate(() => document.documentElement.getAttribute("data-legacy-webview"))).toBe("true");
    expect(cspViolations).toEqual([]);
  });

  it("Internet Explorer in French: the message in French", async () => {
    const { page } = await open({ userAgent: TRIDENT_UA, withoutBundle: true, locale: "fr-FR" });
    await page.getByRole("heading", { name: "Mettez Outlook à jour" }).waitFor();
    expect(await message(page).innerText()).toMatch(/Demandez à votre service informatique/);
    expect(await page.locator('#unsupported-webview [lang="en"]').isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("fr");
  });

  it("the legacy script injected as a plain script into a page shows the message and hides the app (and does nothing in a current browser)", async () => {
    const html = builtHtml();
    const source = readFileSync(SOURCE, "utf8");
    // The built page without any script: the app's root holds something, as if it had rendered.
    const bare = html.replace(/<script\b[\s\S]*?<\/script>/g, "").replace(/<div id="?root"?><\/div>/, '<div id="root"><p>the app</p></div>');
    expect(bare).toContain("the app");
    for (const [userAgent, legacy] of [
      [TRIDENT_UA, true],
      [EDGE_HTML_UA, true],
      [undefined, false],
    ] as const) {
      const context = await browser.newContext(userAgent ? { userAgent } : {});
      contexts.push(context);
      const page = await context.newPage();
      await page.setContent(bare);
      await page.addScriptTag({ content: source });
      expect(await message(page).isVisible()).toBe(legacy);
      expect(await page.getByText("the app").isVisible()).toBe(!legacy);
    }
  });

  it("EdgeHTML (Edge/18): the real pane shows the message instead of the app", async () => {
    const { page, cspViolations } = await open({ userAgent: EDGE_HTML_UA, shim: {} });
    await page.getByRole("heading", { name: "Please update Outlook" }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(await rootChildren(page)).toBe(0);
    expect(await page.locator(".fui-FluentProvider").count()).toBe(0);
    expect(cspViolations).toEqual([]);
  });

  it("EdgeHTML without legacy-webview.js: index.tsx shows the message itself", async () => {
    const { page } = await open({ userAgent: EDGE_HTML_UA, withoutLegacyScript: true, locale: "fr-CA" });
    await page.getByRole("heading", { name: "Mettez Outlook à jour" }).waitFor();
    expect(await page.locator('#unsupported-webview [lang="en"]').isVisible()).toBe(false);
    await page.waitForLoadState("networkidle");
    expect(await rootChildren(page)).toBe(0);
  });

  for (const [name, userAgent] of [
    ["Chromium", undefined],
    ["the current Edge (Edg/)", EDGE_CHROMIUM_UA],
  ] as const) {
    it(`${name}: the message stays hidden and the pane renders`, async () => {
      const { page, cspViolations } = await open({ ...(userAgent ? { userAgent } : {}), shim: {} });
      await page.locator("#root h1").waitFor();
      expect(await message(page).isVisible()).toBe(false);
      expect(await page.locator(".fui-FluentProvider").count()).toBe(1);
      expect(await page.evaluate(() => document.documentElement.hasAttribute("data-legacy-webview"))).toBe(false);
      expect(cspViolations).toEqual([]);
    });
  }
});

run("the Office shim's Mailbox events", () => {
  let app: FastifyInstance;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    builtHtml();
    app = Fastify({ logger: false });
    await registerStaticFiles(app, DIST);
    url = await app.listen({ host: "127.0.0.1", port: 0 });
    browser = await launchChromium();
    context = await browser.newContext();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
  });

  async function shimmed(shim: Partial<ShimOptions> = {}): Promise<Page> {
    const page = await context.newPage();
    const options: ShimOptions = { email: "a@contoso.com", displayName: "A", displayLanguage: "en-US", dark: false, settings: {}, ...shim };
    await page.addInitScript(installOfficeShim, options);
    await page.goto(`${url}/support.html`);
    return page;
  }

  it("registers handlers with addHandlerAsync, fires them from the test, and removes them", async () => {
    const page = await shimmed();
    const seen = await page.evaluate(async () => {
      const w = window as unknown as ShimWindow & { Office: typeof Office };
      const mailbox = w.Office.context.mailbox;
      const events: string[] = [];
      const results: unknown[] = [];
      const done = () => new Promise((r) => setTimeout(r, 10));
      mailbox.addHandlerAsync(w.Office.EventType.ItemChanged, (e: { type: string }) => events.push(e.type), (r) => results.push(r.status));
      mailbox.addHandlerAsync(
        w.Office.EventType.OfficeThemeChanged,
        (e: Office.OfficeThemeChangedEventArgs) => events.push(`${e.type} ${e.officeTheme.bodyBackgroundColor}`),
        { asyncContext: "ctx" },
        (r) => results.push(r.asyncContext),
      );
      await done();
      const fired = [w.__fireItemChanged(), w.__setOfficeTheme(true)];
      const theme = w.Office.context.officeTheme.bodyBackgroundColor;
      const counts = [w.__officeHandlerCount("olkItemSelectedChanged"), w.__officeHandlerCount("officeThemeChanged")];
      mailbox.removeHandlerAsync(w.Office.EventType.ItemChanged, (r) => results.push(`removed ${r.status}`));
      await done();
      const after = w.__fireItemChanged();
      return { events, results, fired, theme, counts, after };
    });
    expect(seen).toEqual({
      events: ["olkItemSelectedChanged", "officeThemeChanged #1f1f1f"],
      results: ["succeeded", "ctx", "removed succeeded"],
      fired: [1, 1],
      theme: "#1f1f1f",
      counts: [1, 1],
      after: 0,
    });
    await page.close();
  });

  it("refuses the theme event below Mailbox 1.14, as Outlook does", async () => {
    const page = await shimmed({ mailboxVersion: "1.13" });
    const seen = await page.evaluate(async () => {
      const w = window as unknown as ShimWindow & { Office: typeof Office };
      const statuses: string[] = [];
      w.Office.context.mailbox.addHandlerAsync(w.Office.EventType.OfficeThemeChanged, () => undefined, (r) => statuses.push(String(r.status)));
      w.Office.context.mailbox.addHandlerAsync(w.Office.EventType.ItemChanged, () => undefined, (r) => statuses.push(String(r.status)));
      await new Promise((r) => setTimeout(r, 10));
      const supported = ["1.5", "1.13", "1.14"].map((v) => w.Office.context.requirements.isSetSupported("Mailbox", v));
      return { statuses, supported, themeHandlers: w.__setOfficeTheme(true) };
    });
    expect(seen).toEqual({ statuses: ["failed", "succeeded"], supported: [true, true, false], themeHandlers: 0 });
    await page.close();
  });
});
