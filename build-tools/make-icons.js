"use strict";
/**
 * Renders assets/icon.svg to the PNG sizes the manifest declares (assets/icon-<size>.png) with
 * headless Chromium, transparent background, device scale factor 1, so each PNG is exactly
 * size × size pixels. Run after editing the SVG:  node build-tools/make-icons.js
 * Needs playwright-core and a Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
 */
const fs = require("node:fs");
const path = require("node:path");
const { chromium } = require("playwright-core");
const { pngSize } = require("./manifest");

/**
 * 16/32/80 for the ribbon buttons (bt:Image), 64 for IconUrl, 128 for HighResolutionIconUrl; and the
 * mobile button's 25, 32 and 48 points at scales 1, 2 and 3 in pixels (32 and 64 are shared with the
 * desktop ones, 96 is both 32 × 3 and 48 × 2).
 */
const SIZES = [16, 32, 64, 80, 128, 25, 50, 75, 96, 48, 144];
const ASSETS = path.resolve(__dirname, "..", "assets");
const SOURCE = path.join(ASSETS, "icon.svg");
/**
 * The unified (JSON) manifest's two package icons: "color", full colour at 192 px, and "outline",
 * white on transparent at 32 px (the source's white arrows without their green square).
 */
const PACKAGE_ICONS = [
  { file: "icon-color-192.png", size: 192, svg: (svg) => svg },
  { file: "icon-outline-32.png", size: 32, svg: (svg) => svg.replace(/<rect\b[^>]*\/>/, "") },
];

async function makeIcons({ executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium" } = {}) {
  const svg = fs.readFileSync(SOURCE, "utf8");
  const jobs = [
    ...SIZES.map((size) => ({ file: `icon-${size}.png`, size, svg })),
    ...PACKAGE_ICONS.map((icon) => ({ file: icon.file, size: icon.size, svg: icon.svg(svg) })),
  ];
  const browser = await chromium.launch({
    executablePath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const written = [];
    for (const { file: name, size, svg: source } of jobs) {
      const dataUrl = `data:image/svg+xml;base64,${Buffer.from(source, "utf8").toString("base64")}`;
      const context = await browser.newContext({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.setContent(
        `<!doctype html><html><head><style>html,body{margin:0;padding:0;background:transparent;overflow:hidden}` +
        `img{display:block;width:${size}px;height:${size}px}</style></head>` +
        `<body><img alt="" src="${dataUrl}"></body></html>`,
      );
      await page.waitForFunction(() => {
        const img = document.querySelector("img");
        return img !== null && img.complete && img.naturalWidth > 0;
      });
      const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
      await context.close();
      const actual = pngSize(png);
      if (!actual || actual.width !== size || actual.height !== size) {
        throw new Error(`${name} came out ${actual ? `${actual.width}×${actual.height}` : "not a PNG"}`);
      }
      const file = path.join(ASSETS, name);
      fs.writeFileSync(file, png);
      written.push(path.relative(process.cwd(), file));
    }
    return written;
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  makeIcons().then(
    (files) => console.log(`wrote ${files.join(", ")}`),
    (err) => { console.error(err.message); process.exitCode = 1; },
  );
}

module.exports = { makeIcons, SIZES, PACKAGE_ICONS };
