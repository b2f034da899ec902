/**
 * Serves the built pane (dist/). HTML is revalidated every time so a new release is picked up at the next
 * open; content-hashed scripts never change and are cached for a year; icons are cacheable, as Outlook
 * and the admin center require.
 */
import { existsSync } from "node:fs";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

const HASHED = /\.[0-9a-f]{8,}\.(js|css|woff2?)$/;

export function cacheControlFor(path: string): string {
  if (HASHED.test(path)) return "public, max-age=31536000, immutable";
  if (/\/assets\/[^/]+\.(png|svg|ico)$/.test(path.replace(/\\/g, "/"))) return "public, max-age=86400";
  return "no-cache";
}

export async function registerStaticFiles(app: FastifyInstance, root: string): Promise<boolean> {
  if (!existsSync(root)) {
    app.log.warn({ root }, "the pane is not built: run `npm run build`");
    return false;
  }
  await app.register(fastifyStatic, {
    root,
    index: false,
    cacheControl: false,
    etag: true,
    lastModified: true,
    dotfiles: "deny",
    setHeaders: (res, path) => res.setHeader("cache-control", cacheControlFor(path)),
  });
  app.get("/", (_req, reply) => reply.redirect("/taskpane.html"));
  return true;
}
