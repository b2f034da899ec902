/**
 * What IT gets from `npm run build -- --env ADDIN_URL=https://addin.contoso.com`: a dist/ whose manifest
 * passes every check for that host, a unified manifest beside it, and a server in production mode
 * that serves it with the right caching and compression. Built into a temporary folder so the
 * project's own dist/ is left alone.
 */
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { brotliDecompressSync } from "node:zlib";
import { parse } from "acorn";
import webpack from "webpack";
import { manifestIssues, schemasDirFor, validateWithSchema } from "../../build-tools/manifest";
import { UNIFIED_DIR, UnifiedManifestPlugin, unifiedManifestIssues } from "../../build-tools/unified-manifest";
import { type Harness, startHarness } from "../server/harness";
import { PRODUCTION_ENV } from "../server/productionEnv";

jest.setTimeout(240_000);

const projectRoot = path.resolve(__dirname, "..", "..");
const ADDIN_URL = "https://addin.contoso.com";
const makeConfig = require(path.join(projectRoot, "webpack.config.js")) as (env: Record<string, string>, argv: Record<string, string>) => webpack.Configuration;

let out: string;
let h: Harness | undefined;

beforeAll(async () => {
  // test-output/ is ignored by git: a clean clone does not have it yet.
  fs.mkdirSync(path.join(projectRoot, "test-output"), { recursive: true });
  out = fs.mkdtempSync(path.join(projectRoot, "test-output", "production-build-"));
  const config = makeConfig({ ADDIN_URL }, { mode: "production" });
  config.output = { ...config.output, path: out };
  const stats = await new Promise<webpack.Stats>((resolve, reject) =>
    webpack(config, (err, result) => (err || !result ? reject(err ?? new Error("no stats")) : resolve(result))),
  );
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
}, 240_000);
afterAll(async () => {
  await h?.close();
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

describe("the production build for https://addin.contoso.com", () => {
  it("writes a manifest that passes every check for that host, and the schema", () => {
    const xml = fs.readFileSync(path.join(out, "manifest.xml"), "utf8");
    expect(xml).not.toMatch(/localhost|\(dev\)/i);
    expect(manifestIssues(xml, { allowLocalhost: false, assetsDir: path.join(out, "assets"), expectedOrigin: ADDIN_URL })).toEqual([]);
    const schema = validateWithSchema(path.join(out, "manifest.xml"), schemasDirFor(projectRoot));
    if ("ok" in schema) expect(schema).toEqual({ ok: true, output: expect.any(String) });
    else if (process.env.CI === "true") throw new Error(schema.skipped);
  });

  it("names its scripts by content hash, as the immutable caching assumes", () => {
    const scripts = fs.readdirSync(out).filter((f) => f.endsWith(".js"));
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script).toMatch(/\.[0-9a-f]{16}\.js$/);
    const html = fs.readFileSync(path.join(out, "taskpane.html"), "utf8");
    expect(html).toMatch(/src="?\/taskpane\.[0-9a-f]{16}\.js/);
  });

  it("writes the unified manifest beside it (webpack.config.js adds UnifiedManifestPlugin when ADDIN_URL is given)", () => {
    const plugins = makeConfig({ ADDIN_URL }, { mode: "production" }).plugins ?? [];
    expect(plugins.some((p) => p instanceof UnifiedManifestPlugin)).toBe(true);
    expect((makeConfig({}, { mode: "production" }).plugins ?? []).some((p) => p instanceof UnifiedManifestPlugin)).toBe(false);
    const dir = path.join(out, UNIFIED_DIR);
    expect(fs.readdirSync(dir).sort()).toEqual(["color.png", "fr-fr.json", "manifest.json", "outline.png"]);
    expect(unifiedManifestIssues(dir, { expectedOrigin: ADDIN_URL })).toEqual([]);
  });

  it("is served in production mode with the caching and compression Outlook needs", async () => {
    h = await startHarness({}, { ...PRODUCTION_ENV, STATIC_DIR: out });
    const script = fs.readdirSync(out).find((f) => /^taskpane\.[0-9a-f]{16}\.js$/.test(f))!;

    const html = await h.app.inject({ url: "/taskpane.html", headers: { "accept-encoding": "br" } });
    expect(html.statusCode).toBe(200);
    expect(html.headers["cache-control"]).toBe("no-cache");

    const js = await h.app.inject({ url: `/${script}`, headers: { "accept-encoding": "br, gzip" } });
    expect(js.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(js.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(js.rawPayload).equals(fs.readFileSync(path.join(out, script)))).toBe(true);

    const manifest = await h.app.inject("/manifest.xml");
    expect(manifest.headers["cache-control"]).toBe("no-cache");
    expect(manifest.body).toContain(`${ADDIN_URL}/taskpane.html`);

    for (const size of [16, 32, 64, 80, 128]) {
      const icon = await h.app.inject(`/assets/icon-${size}.png`);
      expect(icon.statusCode).toBe(200);
      expect(icon.headers["cache-control"]).toBe("public, max-age=86400");
    }
    expect((await h.app.inject(`/${script}.map`)).statusCode).toBe(404);
  });

  it("preloads, before office.js and from an ES3 script, the chunks the first render waits for", () => {
    const html = fs.readFileSync(path.join(out, "taskpane.html"), "utf8");
    // In the page itself (no request of its own), the first script, before office.js.
    const tag = /<script>([\s\S]*?)<\/script>/.exec(html);
    expect(tag).not.toBeNull();
    expect(html.indexOf(tag![0])).toBeLessThan(html.indexOf("appsforoffice.microsoft.com"));
    expect(html.indexOf(tag![0])).toBe(html.indexOf("<script"));
    const source = tag![1]!;
    expect(() => parse(source, { ecmaVersion: 3, sourceType: "script" })).not.toThrow();
    const chunk = (name: string) => `/${fs.readdirSync(out).find((f) => new RegExp(`^${name}\\.[0-9a-f]{16}\\.js$`).test(f))}`;
    /** What the script preloads in a browser of that language, dark or not. */
    const preloads = (language: string, dark: boolean): string[] => {
      const links: { rel?: string; as?: string; href?: string }[] = [];
      const document = { createElement: () => ({}), head: { appendChild: (link: object) => links.push(link) } };
      const window = { matchMedia: (query: string) => ({ matches: dark && query === "(prefers-color-scheme: dark)" }) };
      vm.runInNewContext(source, { document, window, navigator: { language } });
      expect(links.every((l) => l.rel === "preload" && l.as === "script")).toBe(true);
      return links.map((l) => l.href!);
    };
    expect(preloads("fr-CA", false)).toEqual([chunk("i18n-fr")]);
    expect(preloads("en-GB", false)).toEqual([chunk("i18n-en")]);
    expect(preloads("de-DE", false)).toEqual([chunk("i18n-en")]);
    expect(preloads("fr", true)).toEqual([chunk("i18n-fr"), chunk("themes")]);
  });
});
