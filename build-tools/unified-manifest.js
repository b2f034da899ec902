"use strict";
/**
 * The unified manifest for Microsoft 365 (JSON), generated from the production XML manifest with
 * Microsoft's office-addin-manifest-converter, offline: the converter is told not to download the
 * icons (its only network access), and we put our own package icons beside manifest.json.
 *
 * The XML manifest stays the one to upload: a custom add-in deployed with the unified manifest is
 * not installable on Outlook on Mac, on mobile, on Windows before 2304 nor on perpetual Office
 * (docs/DEPLOYMENT.md, "XML or unified manifest").
 *
 * CLI:   node build-tools/unified-manifest.js [dist/manifest.xml] [dist/unified-manifest]
 * Build: webpack.config.js adds `new UnifiedManifestPlugin()` when ADDIN_URL is given; it converts
 *        dist/manifest.xml into dist/unified-manifest/ after the build has written it.
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { addinOrigin, manifestVersion, parseXml, pngSize } = require("./manifest");

const UNIFIED_DIR = "unified-manifest";
const ASSETS = path.resolve(__dirname, "..", "assets");
/** The package icons, as the Microsoft 365 app manifest requires them (root.icons). */
const PACKAGE_ICONS = {
  color: { from: "icon-color-192.png", to: "color.png", size: 192 },
  outline: { from: "icon-outline-32.png", to: "outline.png", size: 32 },
};
/** The background of assets/icon.svg. */
const ACCENT_COLOR = "#007A5E";
/** Lengths the Microsoft 365 app manifest schema allows. */
const LIMITS = { "name.short": 30, "name.full": 100, "description.short": 80, "description.full": 4000 };
const TRUNCATED = "<TRUNCATED>";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEMVER = /^\d{1,5}\.\d{1,5}\.\d{1,5}$/;

/** "1.2.3.4" → "1.2.3", "1.2" → "1.2.0": the unified manifest's version has exactly three parts. */
function unifiedVersion(xmlVersion) {
  const parts = String(xmlVersion).split(".");
  while (parts.length < 3) parts.push("0");
  return parts.slice(0, 3).join(".");
}

/**
 * The converter cuts a description over 80 characters and marks it "<TRUNCATED>…"; a short
 * description must read as a sentence, so cut the full one at a word instead.
 */
function shortDescription(full, max = LIMITS["description.short"]) {
  const text = String(full).trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const atWord = cut.slice(0, Math.max(cut.lastIndexOf(" "), 1)).replace(/[\s,;:.]+$/, "");
  return `${atWord}…`;
}

/**
 * The converter (0.4.x) turns MobileFormFactor into a ribbon of its own, but writes it in a shape
 * Microsoft's schema pages do not describe: context "default", a generated tab id and a "placeholder"
 * desktop group whose button has an empty id and action and an icon at https://placeholder. Reshape it
 * as Microsoft's "Add support for add-in commands in Outlook on mobile devices" asks: context
 * "mailRead" (the only one Outlook mobile supports), the built-in TabDefault, and only its
 * customMobileRibbonGroups. Its runtime and action stay as converted (they open the same page).
 */
function tidyMobileRibbons(extension) {
  for (const ribbon of extension.ribbons || []) {
    const formFactors = (ribbon.requirements && ribbon.requirements.formFactors) || [];
    if (!formFactors.includes("mobile")) continue;
    ribbon.contexts = ["mailRead"];
    ribbon.tabs = (ribbon.tabs || [])
      .filter((tab) => Array.isArray(tab.customMobileRibbonGroups) && tab.customMobileRibbonGroups.length > 0)
      .map((tab) => ({ builtInTabId: "TabDefault", customMobileRibbonGroups: tab.customMobileRibbonGroups }));
  }
}

/**
 * Converts a production XML manifest into `outDir` (emptied first): manifest.json, one JSON file per
 * additional locale, color.png and outline.png. No network access.
 * @param {{ xml: string, outDir: string, assetsDir?: string }} options
 * @returns {Promise<{ manifest: any, files: string[] }>}
 */
async function writeUnifiedManifest({ xml, outDir, assetsDir = ASSETS }) {
  // Required here so that loading this file (webpack's config does) costs nothing without ADDIN_URL.
  const { convert } = require("office-addin-manifest-converter");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "unified-manifest-"));
  try {
    const input = path.join(work, "manifest.xml");
    fs.writeFileSync(input, xml);
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    // imageDownload false: the converter's only network access is downloading the icons.
    await convert(input, outDir, false, null, null, false);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }

  const manifestFile = path.join(outDir, "manifest.json");
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
  manifest.version = unifiedVersion(manifestVersion(xml));
  const xmlDescription = parseXml(xml).children.find((el) => el.local === "Description");
  if (manifest.description) manifest.description.short = shortDescription(manifest.description.full || (xmlDescription && xmlDescription.attrs.DefaultValue) || "");
  for (const extension of manifest.extensions || []) tidyMobileRibbons(extension);
  // The converter's default is a placeholder; use the icon's green.
  manifest.accentColor = ACCENT_COLOR;
  manifest.icons = {};
  for (const [kind, icon] of Object.entries(PACKAGE_ICONS)) {
    fs.copyFileSync(path.join(assetsDir, icon.from), path.join(outDir, icon.to));
    manifest.icons[kind] = icon.to;
  }
  fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

  for (const entry of (manifest.localizationInfo && manifest.localizationInfo.additionalLanguages) || []) {
    const file = path.join(outDir, entry.file);
    const strings = JSON.parse(fs.readFileSync(file, "utf8"));
    if (strings["description.full"] !== undefined) strings["description.short"] = shortDescription(strings["description.full"]);
    fs.writeFileSync(file, `${JSON.stringify(strings, null, 2)}\n`);
  }
  return { manifest, files: fs.readdirSync(outDir).sort() };
}

/**
 * Problems in a generated unified manifest folder, as sentences (empty when none): what can be
 * checked offline without Microsoft's JSON schema — the required keys and their shapes, lengths,
 * URLs on the add-in's origin, the package icons at their sizes, the locale files, and that every
 * ribbon button opens an action some runtime defines.
 * @param {string} dir the folder writeUnifiedManifest wrote
 * @param {{ expectedOrigin?: string, id?: string, version?: string }} [expected]
 * @returns {string[]}
 */
function unifiedManifestIssues(dir, expected = {}) {
  /** @type {string[]} */ const issues = [];
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
  } catch (err) {
    return [`manifest.json cannot be read: ${err.message}`];
  }
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const text = (where, value, max) => {
    if (typeof value !== "string" || !value.trim()) { issues.push(`${where} is missing`); return; }
    if (max && value.length > max) issues.push(`${where} is ${value.length} characters; the limit is ${max}`);
    if (value.includes(TRUNCATED)) issues.push(`${where} still carries the converter's ${TRUNCATED} mark`);
  };

  for (const key of ["$schema", "id", "version", "manifestVersion", "name", "description", "icons", "developer", "extensions"]) {
    if (manifest[key] === undefined) issues.push(`"${key}" is missing`);
  }
  if (typeof manifest.$schema === "string" && !/^https:\/\/developer\.microsoft\.com\/json-schemas\/teams\/v[\d.]+\/MicrosoftTeams\.schema\.json#?$/.test(manifest.$schema)) {
    issues.push(`"$schema" ${manifest.$schema} is not a published Microsoft 365 app manifest schema`);
  }
  if (typeof manifest.$schema === "string" && typeof manifest.manifestVersion === "string" && !manifest.$schema.includes(`/v${manifest.manifestVersion}/`)) {
    issues.push(`"manifestVersion" ${manifest.manifestVersion} does not match "$schema"`);
  }
  if (manifest.id !== undefined && !GUID.test(manifest.id)) issues.push(`"id" ${manifest.id} is not a GUID`);
  if (expected.id && manifest.id !== expected.id) issues.push(`"id" ${manifest.id} is not the XML manifest's ${expected.id}`);
  if (manifest.version !== undefined && !SEMVER.test(manifest.version)) issues.push(`"version" ${manifest.version} must be n.n.n`);
  if (expected.version && manifest.version !== unifiedVersion(expected.version)) {
    issues.push(`"version" ${manifest.version} is not the XML manifest's ${expected.version} (as n.n.n: ${unifiedVersion(expected.version)})`);
  }
  if (isObject(manifest.name)) { text('"name.short"', manifest.name.short, LIMITS["name.short"]); text('"name.full"', manifest.name.full, LIMITS["name.full"]); }
  if (isObject(manifest.description)) {
    text('"description.short"', manifest.description.short, LIMITS["description.short"]);
    text('"description.full"', manifest.description.full, LIMITS["description.full"]);
  }
  if (isObject(manifest.developer)) {
    text('"developer.name"', manifest.developer.name, 32);
    for (const key of ["websiteUrl", "privacyUrl", "termsOfUseUrl"]) text(`"developer.${key}"`, manifest.developer[key], 2048);
  }

  // Icons: relative files in the package, at the sizes the schema asks for.
  if (isObject(manifest.icons)) {
    for (const [kind, { size }] of Object.entries(PACKAGE_ICONS)) {
      const file = manifest.icons[kind];
      if (typeof file !== "string") { issues.push(`"icons.${kind}" is missing`); continue; }
      if (/^[a-z]+:/i.test(file) || file.includes("..")) { issues.push(`"icons.${kind}" ${file} must be a file in the package`); continue; }
      const full = path.join(dir, file);
      if (!fs.existsSync(full)) { issues.push(`"icons.${kind}" ${file} is not in the package`); continue; }
      const actual = pngSize(fs.readFileSync(full));
      if (!actual) issues.push(`"icons.${kind}" ${file} is not a PNG`);
      else if (actual.width !== size || actual.height !== size) issues.push(`"icons.${kind}" ${file} is ${actual.width}×${actual.height} px; it must be ${size}×${size}`);
    }
  }

  // Extensions: scopes, runtimes with their actions, ribbons whose buttons use those actions.
  const extensions = Array.isArray(manifest.extensions) ? manifest.extensions : [];
  if (manifest.extensions !== undefined && extensions.length === 0) issues.push('"extensions" is empty');
  extensions.forEach((extension, e) => {
    const at = `"extensions[${e}]`;
    const scopes = extension.requirements && extension.requirements.scopes;
    if (!Array.isArray(scopes) || !scopes.includes("mail")) issues.push(`${at}.requirements.scopes" must include "mail"`);
    const runtimes = Array.isArray(extension.runtimes) ? extension.runtimes : [];
    if (runtimes.length === 0) issues.push(`${at}.runtimes" is missing or empty`);
    /** @type {Set<string>} */ const actions = new Set();
    runtimes.forEach((runtime, r) => {
      if (!runtime.id) issues.push(`${at}.runtimes[${r}].id" is missing`);
      if (!runtime.code || typeof runtime.code.page !== "string") issues.push(`${at}.runtimes[${r}].code.page" is missing`);
      if (!Array.isArray(runtime.actions) || runtime.actions.length === 0) issues.push(`${at}.runtimes[${r}].actions" is missing or empty`);
      for (const action of runtime.actions || []) actions.add(action.id);
    });
    const ribbons = Array.isArray(extension.ribbons) ? extension.ribbons : [];
    if (ribbons.length === 0) issues.push(`${at}.ribbons" is missing or empty`);
    ribbons.forEach((ribbon, b) => {
      if (!Array.isArray(ribbon.contexts) || ribbon.contexts.length === 0) issues.push(`${at}.ribbons[${b}].contexts" is missing or empty`);
      if (!Array.isArray(ribbon.tabs) || ribbon.tabs.length === 0) issues.push(`${at}.ribbons[${b}].tabs" is missing or empty`);
      for (const tab of ribbon.tabs || []) for (const group of tab.groups || []) for (const control of group.controls || []) {
        if (!actions.has(control.actionId)) issues.push(`${at}.ribbons[${b}]" button ${control.id} opens action ${control.actionId}, which no runtime defines`);
        const sizes = (control.icons || []).map((icon) => icon.size).sort((x, y) => x - y).join(",");
        if (sizes !== "16,32,80") issues.push(`${at}.ribbons[${b}]" button ${control.id} has icons of ${sizes || "no"} px; it needs 16, 32 and 80`);
      }
      // Mobile: Microsoft's schema allows customMobileRibbonGroups only on the built-in default tab,
      // and Outlook mobile supports only message read; each button needs 25, 32 and 48 at scales 1-3.
      const formFactors = (ribbon.requirements && ribbon.requirements.formFactors) || [];
      for (const tab of ribbon.tabs || []) {
        const mobileGroups = tab.customMobileRibbonGroups || [];
        if (mobileGroups.length === 0) continue;
        if (tab.builtInTabId !== "TabDefault") issues.push(`${at}.ribbons[${b}]" has mobile groups on a tab other than TabDefault`);
        if (!formFactors.includes("mobile")) issues.push(`${at}.ribbons[${b}]" has mobile groups but "mobile" is not in its requirements.formFactors`);
        if (JSON.stringify(ribbon.contexts) !== JSON.stringify(["mailRead"])) issues.push(`${at}.ribbons[${b}]" mobile contexts are ${JSON.stringify(ribbon.contexts)}; Outlook mobile supports only ["mailRead"]`);
        for (const group of mobileGroups) for (const control of group.controls || []) {
          if (!actions.has(control.actionId)) issues.push(`${at}.ribbons[${b}]" mobile button ${control.id} opens action ${control.actionId}, which no runtime defines`);
          const have = new Set((control.icons || []).map((icon) => `${icon.size}@${icon.scale}`));
          const missing = ["25", "32", "48"].flatMap((size) => ["1", "2", "3"].map((scale) => `${size}@${scale}`)).filter((k) => !have.has(k));
          if (missing.length) issues.push(`${at}.ribbons[${b}]" mobile button ${control.id} has no icon for ${missing.join(", ")} (size@scale)`);
        }
      }
      if (formFactors.includes("mobile") && (ribbon.tabs || []).some((tab) => (tab.groups || []).length > 0)) {
        issues.push(`${at}.ribbons[${b}]" is for mobile but has desktop groups`);
      }
    });
    const alternate = (extension.alternates || []).find((a) => a.alternateIcons);
    if (!alternate) issues.push(`${at}.alternates" has no alternateIcons (the icons older clients show)`);
  });

  // Every web address on the add-in's origin, https only (the schema's own URL excepted; api:// is
  // an identifier).
  const urls = [];
  const walk = (value, where) => {
    if (typeof value === "string") { if (/^https?:\/\//i.test(value)) urls.push({ where, value }); return; }
    if (Array.isArray(value)) value.forEach((v, k) => walk(v, `${where}[${k}]`));
    else if (isObject(value)) for (const [k, v] of Object.entries(value)) walk(v, where ? `${where}.${k}` : k);
  };
  walk({ ...manifest, $schema: undefined }, "");
  for (const { where, value } of urls) {
    let url;
    try { url = new URL(value); } catch { issues.push(`"${where}" ${value} is not a URL`); continue; }
    if (url.protocol !== "https:") issues.push(`"${where}" ${value} must use https`);
    else if (expected.expectedOrigin && url.origin !== expected.expectedOrigin) issues.push(`"${where}" ${value} is not on ${expected.expectedOrigin}`);
  }
  if (/localhost/i.test(JSON.stringify(manifest))) issues.push("manifest.json mentions localhost");

  // Locale files: listed, present, and within the same limits.
  const info = manifest.localizationInfo;
  for (const entry of (info && info.additionalLanguages) || []) {
    const file = path.join(dir, entry.file || "");
    if (!entry.file || !fs.existsSync(file)) { issues.push(`the ${entry.languageTag} strings file ${entry.file} is not in the package`); continue; }
    const strings = JSON.parse(fs.readFileSync(file, "utf8"));
    for (const [key, max] of Object.entries(LIMITS)) if (strings[key] !== undefined) text(`${entry.file} "${key}"`, strings[key], max);
  }
  return issues;
}

/**
 * The production build's step: after webpack has written dist/manifest.xml for ADDIN_URL, write
 * dist/unified-manifest/ from it and fail the build when it does not pass unifiedManifestIssues.
 */
class UnifiedManifestPlugin {
  /** @param {{ assetsDir?: string }} [options] */
  constructor(options = {}) {
    this.assetsDir = options.assetsDir || ASSETS;
  }

  apply(compiler) {
    compiler.hooks.afterEmit.tapPromise("UnifiedManifestPlugin", async (compilation) => {
      const outputPath = compilation.outputOptions.path;
      const xml = fs.readFileSync(path.join(outputPath, "manifest.xml"), "utf8");
      const result = await buildUnifiedManifest(xml, path.join(outputPath, UNIFIED_DIR), this.assetsDir);
      const logger = compilation.getLogger("UnifiedManifestPlugin");
      for (const warning of result.warnings) logger.warn(warning);
      logger.info(`wrote ${path.relative(process.cwd(), result.dir)}/ (${result.files.join(", ")})`);
    });
  }
}

/**
 * Converts and checks. Throws, listing the issues, when the result is not fit to ship.
 * @returns {Promise<{ dir: string, files: string[], warnings: string[] }>}
 */
async function buildUnifiedManifest(xml, outDir, assetsDir = ASSETS) {
  const root = parseXml(xml);
  // The production manifest's origin; addinOrigin refuses localhost, so a development manifest stops here.
  const icon = root.children.find((el) => el.local === "IconUrl");
  const expectedOrigin = addinOrigin(new URL(icon ? icon.attrs.DefaultValue : "about:blank").origin);
  const idEl = root.children.find((el) => el.local === "Id");
  const version = manifestVersion(xml);
  const { files } = await writeUnifiedManifest({ xml, outDir, assetsDir });
  const issues = unifiedManifestIssues(outDir, { expectedOrigin, id: idEl && idEl.text.trim(), version: version || undefined });
  if (issues.length) throw new Error(`the unified manifest in ${outDir} is not fit to ship:\n${issues.map((i) => `  ✗ ${i}`).join("\n")}`);
  const warnings = [];
  const fourth = String(version).split(".")[3];
  if (fourth !== undefined && fourth !== "0") {
    warnings.push(`manifest Version ${version}: the unified manifest keeps only ${unifiedVersion(version)}; bump one of the first three parts for an update it can see`);
  }
  return { dir: outDir, files, warnings };
}

if (require.main === module) {
  const projectRoot = path.resolve(__dirname, "..");
  const [input = path.join(projectRoot, "dist", "manifest.xml"), out = path.join(path.dirname(input), UNIFIED_DIR)] = process.argv.slice(2);
  buildUnifiedManifest(fs.readFileSync(input, "utf8"), path.resolve(out)).then(
    ({ dir, files, warnings }) => {
      for (const w of warnings) console.warn(`! ${w}`);
      console.log(`✓ ${path.relative(process.cwd(), dir)}/: ${files.join(", ")}`);
    },
    (err) => { console.error(err.message); process.exitCode = 1; },
  );
}

module.exports = {
  UNIFIED_DIR,
  PACKAGE_ICONS,
  UnifiedManifestPlugin,
  buildUnifiedManifest,
  writeUnifiedManifest,
  unifiedManifestIssues,
  unifiedVersion,
  shortDescription,
  tidyMobileRibbons,
};
