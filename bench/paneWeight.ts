/**
 * Part 1 of `npm run bench`: the bytes of JS and CSS the pane loads before it is usable, read from the
 * production build in dist/ (`npm run bench` builds it first).
 *
 * "Before first use" is what taskpane.html loads itself — its local <script src> and <link rel="stylesheet">
 * tags, which HtmlWebpackPlugin writes for every initial chunk of the entry (webpack's runtime is in the
 * entry chunk and loads nothing else at start-up), and the scripts and styles written into the page itself
 * (counted together, as one more file) — plus, for a user whose Outlook speaks another language
 * than English, that language's chunk (i18n-<language>), which the entry awaits before its first render.
 * office.js (Microsoft's CDN) is not ours and not counted. Every other chunk is lazy: it loads on demand or
 * is prefetched once the pane is idle, and is listed without a budget.
 *
 * Sizes: raw bytes, and gzip at level 9 (`gzip -9`); KB = 1024 bytes.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { type BenchPart, ROOT, type Row, round } from "./lib";

/** From build/bench/bench/ (where tsc puts this file) back to the checkout's dist/. */
const DIST = join(ROOT, "dist");
const BUDGET_KB = 140;
const KB = 1024;

interface FileSize {
  readonly file: string;
  readonly raw: number;
  readonly gzip: number;
}

/** The size of `bytes`, named `file`: a file of dist/, or what a page holds inline. */
function sizeOfBytes(file: string, bytes: Buffer): FileSize {
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

function sizeOf(file: string): FileSize {
  return sizeOfBytes(file, readFileSync(join(DIST, file)));
}

/** The text of a page's inline scripts and style sheets, one after the other. */
export function inlineCode(html: string): string {
  return [...html.matchAll(/<(script|style)\b([^>]*)>([\s\S]*?)<\/\1\s*>/gi)]
    .filter((m) => !/\bsrc\s*=/i.test(m[2]!))
    .map((m) => m[3]!)
    .join("\n");
}

const INLINE = "taskpane.html's inline scripts and styles";

const kb = (bytes: number) => round(bytes / KB, 1);

/** The local files an HTML page loads by itself: script src and stylesheet href (absolute URLs are not ours). */
export function initialAssets(html: string): string[] {
  const files: string[] = [];
  for (const tag of html.match(/<(script|link)\b[^>]*>/gi) ?? []) {
    const attr = (name: string) => new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, "i").exec(tag);
    const value = (m: RegExpExecArray | null) => (m ? (m[2] ?? m[3] ?? m[4] ?? "") : null);
    const isLink = /^<link/i.test(tag);
    if (isLink && !/^stylesheet$/i.test(value(attr("rel")) ?? "")) continue; // icon, prefetch, preload…
    const url = value(attr(isLink ? "href" : "src"));
    if (!url || /^(https?:)?\/\//i.test(url) || !/\.(m?js|css)(\?|$)/i.test(url)) continue;
    files.push(url.replace(/^\.?\//, "").replace(/\?.*$/, ""));
  }
  return files;
}

/** "i18n-fr.0123456789abcdef.js" → "i18n-fr"; webpack names every emitted chunk `[name].[contenthash:16]`. */
const chunkName = (file: string) => file.replace(/\.[0-9a-f]{16}\.(js|css)$/, "");

export const part: BenchPart = {
  id: "weight",
  async run() {
    const html = readFileSync(join(DIST, "taskpane.html"), "utf8");
    const inline = inlineCode(html);
    const initial = [...initialAssets(html).map(sizeOf), ...(inline ? [sizeOfBytes(INLINE, Buffer.from(inline))] : [])];
    // The sign-in dialog is another page (opened only where nested app authentication is missing).
    const otherPage = new Set(initialAssets(readFileSync(join(DIST, "signin-dialog.html"), "utf8")));
    const emitted = readdirSync(DIST).filter((f) => /\.(js|css)$/.test(f));
    const languages = emitted.filter((f) => /^i18n-[a-z]+\./.test(f)).map(sizeOf);
    const lazy = emitted
      .filter((f) => !initial.some((i) => i.file === f) && !otherPage.has(f) && !languages.some((l) => l.file === f))
      .map(sizeOf)
      .sort((a, b) => b.gzip - a.gzip);

    const total = (files: readonly FileSize[]) => ({
      raw: files.reduce((n, f) => n + f.raw, 0),
      gzip: files.reduce((n, f) => n + f.gzip, 0),
    });
    const budget = (gzip: number) => ({ text: `≤ ${BUDGET_KB} KB gzip (KB = 1024 bytes)`, pass: gzip <= BUDGET_KB * KB });
    // Each display language's first load: the entry, and that language's strings, which it awaits.
    const firstLoads = languages.length
      ? languages.map((l) => ({ name: `first load, ${chunkName(l.file).slice("i18n-".length)} display language`, files: [...initial, l] }))
      : [{ name: "first load", files: initial }];
    const rows: Row[] = [
      ...[...initial, ...languages].map((f) => ({ name: `  ${chunkName(f.file)}`, value: kb(f.gzip), unit: "KB", note: `gzip; ${kb(f.raw)} KB raw` })),
      ...firstLoads.map(({ name, files }) => {
        const sum = total(files);
        return {
          name: `${name}, total`,
          value: kb(sum.gzip),
          unit: "KB",
          budget: budget(sum.gzip),
          note: `gzip; ${kb(sum.raw)} KB raw; ${files.map((f) => chunkName(f.file)).join(" + ")}`,
        };
      }),
      ...lazy.map((f) => ({ name: `lazy: ${chunkName(f.file)}`, value: kb(f.gzip), unit: "KB", note: `gzip; ${kb(f.raw)} KB raw` })),
    ];
    return {
      title: "1. Pane weight (JS + CSS before first use, production build)",
      rows,
      details: { dist: DIST, kilobyte: KB, initial, languages, lazy, signInDialogPage: [...otherPage].map(sizeOf) },
    };
  },
};
