/**
 * Serves the built pane (dist/), precompressed where the build wrote .br/.gz copies. HTML and the manifest are revalidated every time so a new release is
 * picked up at the next open; content-hashed scripts never change and are cached for a year; icons are
 * cacheable, as Outlook and the admin center require.
 *
 * Only files under the root are ever served (@fastify/send resolves the path and refuses anything that
 * leaves it); dotfiles are refused; source maps only when asked (development), since they would hand
 * the pane's whole source to anyone.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

const HASHED = /\.[0-9a-f]{8,}\.(js|css|woff2?)$/;
const ICON = /^assets\/[^/]+\.(png|svg|ico)$/;

export const CACHE_IMMUTABLE = "public, max-age=31536000, immutable";
export const CACHE_ICON = "public, max-age=86400";
export const CACHE_REVALIDATE = "no-cache";

/** Cache-Control for a file, from its path relative to the served folder ("assets/icon-16.png"). */
export function cacheControlFor(relativePath: string): string {
  // A precompressed copy (x.js.br) is cached as the file it stands for.
  const path = relativePath.split(sep).join("/").replace(/\\/g, "/").replace(/\.(br|gz)$/, "");
  if (HASHED.test(path)) return CACHE_IMMUTABLE;
  if (ICON.test(path)) return CACHE_ICON;
  return CACHE_REVALIDATE;
}

/** A <script> element without a src attribute, and its text. */
const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script\s*>/gi;

/**
 * The Content-Security-Policy sources ('sha256-…') that allow, each by its hash, the inline scripts of the pages
 * in `root` (its .html files): the pane writes the little scripts its first screen waits for into taskpane.html
 * (webpack.config.js) rather than costing it a request each. Read from the files served, so the policy always
 * matches what is sent; a changed or added inline script has another hash and is refused. None when the pane
 * is not built.
 */
export function inlineScriptSources(root: string): string[] {
  if (!existsSync(root)) return [];
  const sources = new Set<string>();
  for (const file of readdirSync(root).filter((f) => f.endsWith(".html")).sort()) {
    for (const [, text] of readFileSync(join(root, file), "utf8").matchAll(INLINE_SCRIPT)) {
      if (!text!.trim()) continue;
      sources.add(`'sha256-${createHash("sha256").update(text!, "utf8").digest("base64")}'`);
    }
  }
  return [...sources];
}

export interface StaticFilesOptions {
  /** Serve *.map files (development). Off by default: production does not publish its sources. */
  readonly sourceMaps?: boolean;
}

export async function registerStaticFiles(app: FastifyInstance, root: string, options: StaticFilesOptions = {}): Promise<boolean> {
  if (!existsSync(root)) {
    app.log.warn({ root }, "the pane is not built: run `npm run build`");
    return false;
  }
  const sourceMaps = options.sourceMaps ?? false;
  await app.register(fastifyStatic, {
    root,
    index: false,
    cacheControl: false,
    etag: true,
    // The build writes .br and .gz copies (webpack.config.js, PrecompressPlugin): sent as they are, so an
    // open of the pane costs no compression (Brotli at request time took ~55 ms for the main script).
    preCompressed: true,
    lastModified: true,
    dotfiles: "deny",
    allowedPath: (pathName) => sourceMaps || !pathName.toLowerCase().endsWith(".map"),
    setHeaders: (res, path) => res.setHeader("cache-control", cacheControlFor(relative(root, path))),
  });
  app.get("/", (_req, reply) => reply.redirect("/taskpane.html"));
  return true;
}
