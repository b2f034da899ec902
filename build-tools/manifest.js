"use strict";
/**
 * The Outlook add-in manifest (manifest.xml): the production rewrite the build applies, the checks
 * Microsoft's XML schemas cannot express, and schema validation with xmllint.
 *
 * Plain CommonJS with no dependencies, so webpack's config, jest and a shell can all load it.
 * CLI: node build-tools/manifest.js [--production https://host] [--record-release] [manifest.xml]
 */
const childProcess = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

/** The origin every URL of the development manifest uses. */
const DEV_ORIGIN = "https://localhost:3000";
/** Locales that must override every user-visible string (DefaultLocale is en-US). */
const REQUIRED_LOCALES = ["fr-FR"];
/** bt:ShortString, bt:LongString and bt:ReferenceId lengths in OfficeAppBasicTypesV1_0.xsd. */
const MAX_SHORT_STRING = 125;
const MAX_LONG_STRING = 250;
const MAX_RESOURCE_ID = 32;
/** Pixel sizes Outlook expects for the two top-level icons. */
const TOP_LEVEL_ICON_SIZES = { IconUrl: 64, HighResolutionIconUrl: 128 };
const SCHEMA_ROOT_FILE = "OfficeAppManifestV1_1.xsd";
/** A MobileButton's icon: each size (points) at each scale, Microsoft's "Icon element" page. */
const MOBILE_ICON_SIZES = [25, 32, 48];
const MOBILE_ICON_SCALES = [1, 2, 3];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VERSION = /^\d{1,5}(\.\d{1,5}){0,3}$/;

// ---------------------------------------------------------------------------------------------
// A tiny XML reader: elements, attributes, text and line numbers. Enough for a manifest; it rejects
// mismatched tags rather than guessing.

/**
 * @typedef {{ name: string, local: string, attrs: Record<string, string>, children: XmlElement[],
 *   text: string, line: number, parent: XmlElement | null }} XmlElement
 */

function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_, e) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" }[e.toLowerCase()];
  });
}

/** @returns {XmlElement} the root element; throws on malformed XML. */
function parseXml(xml) {
  const lineAt = (() => {
    const starts = [0];
    for (let i = 0; i < xml.length; i++) if (xml[i] === "\n") starts.push(i + 1);
    return (index) => {
      let lo = 0, hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= index) lo = mid; else hi = mid - 1;
      }
      return lo + 1;
    };
  })();
  const skip = (open, close, i) => {
    const end = xml.indexOf(close, i + open.length);
    if (end < 0) throw new Error(`unterminated ${open} at line ${lineAt(i)}`);
    return end + close.length;
  };
  /** @type {XmlElement | null} */ let root = null;
  /** @type {XmlElement[]} */ const stack = [];
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const textEnd = lt < 0 ? xml.length : lt;
    if (textEnd > i) {
      const text = xml.slice(i, textEnd);
      if (stack.length) stack[stack.length - 1].text += decodeEntities(text);
      else if (text.trim()) throw new Error(`text outside the root element at line ${lineAt(i)}`);
    }
    if (lt < 0) break;
    if (xml.startsWith("<!--", lt)) { i = skip("<!--", "-->", lt); continue; }
    if (xml.startsWith("<?", lt)) { i = skip("<?", "?>", lt); continue; }
    if (xml.startsWith("<![CDATA[", lt)) {
      const end = skip("<![CDATA[", "]]>", lt);
      if (stack.length) stack[stack.length - 1].text += xml.slice(lt + 9, end - 3);
      i = end;
      continue;
    }
    if (xml.startsWith("<!", lt)) throw new Error(`DOCTYPE and other declarations are not allowed (line ${lineAt(lt)})`);
    const gt = findTagEnd(xml, lt);
    if (gt < 0) throw new Error(`unterminated tag at line ${lineAt(lt)}`);
    const tag = xml.slice(lt + 1, gt);
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (!open || open.name !== name) {
        throw new Error(`</${name}> at line ${lineAt(lt)} does not close ${open ? `<${open.name}> of line ${open.line}` : "any element"}`);
      }
    } else {
      const selfClosing = tag.endsWith("/");
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const nameMatch = /^([^\s/>]+)/.exec(body);
      if (!nameMatch) throw new Error(`malformed tag at line ${lineAt(lt)}`);
      const name = nameMatch[1];
      /** @type {Record<string, string>} */ const attrs = {};
      const rest = body.slice(name.length);
      const attrRe = /\s*([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/gy;
      let m, consumed = 0;
      while ((m = attrRe.exec(rest))) {
        if (m[1] in attrs) throw new Error(`attribute ${m[1]} repeated at line ${lineAt(lt)}`);
        attrs[m[1]] = decodeEntities(m[3] !== undefined ? m[3] : m[4]);
        consumed = attrRe.lastIndex;
      }
      if (rest.slice(consumed).trim()) throw new Error(`malformed attributes in <${name}> at line ${lineAt(lt)}`);
      const parent = stack.length ? stack[stack.length - 1] : null;
      /** @type {XmlElement} */
      const el = { name, local: name.includes(":") ? name.slice(name.indexOf(":") + 1) : name, attrs, children: [], text: "", line: lineAt(lt), parent };
      if (parent) parent.children.push(el);
      else if (root) throw new Error(`second root element <${name}> at line ${el.line}`);
      else root = el;
      if (!selfClosing) stack.push(el);
    }
    i = gt + 1;
  }
  if (stack.length) throw new Error(`<${stack[stack.length - 1].name}> of line ${stack[stack.length - 1].line} is never closed`);
  if (!root) throw new Error("no root element");
  return root;
}

/** Index of the ">" closing the tag opened at `lt`, skipping quoted attribute values. */
function findTagEnd(xml, lt) {
  let quote = null;
  for (let j = lt + 1; j < xml.length; j++) {
    const c = xml[j];
    if (quote) { if (c === quote) quote = null; }
    else if (c === '"' || c === "'") quote = c;
    else if (c === ">") return j;
  }
  return -1;
}

/** @param {XmlElement} el @returns {XmlElement[]} el and all its descendants, document order. */
function allElements(el) {
  const out = [el];
  for (const child of el.children) out.push(...allElements(child));
  return out;
}
const childrenNamed = (el, local) => el.children.filter((c) => c.local === local);
const childNamed = (el, local) => el.children.find((c) => c.local === local);
const located = (el) => `<${el.name}> (line ${el.line})`;

// ---------------------------------------------------------------------------------------------
// Origins and URLs

function isLoopbackHost(hostname) {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h.endsWith(".localhost") || /^127\./.test(h) || h === "::1" || h === "0.0.0.0";
}

/**
 * The https origin the production add-in is served from, from ADDIN_URL. Throws a sentence saying
 * what to pass instead.
 */
function addinOrigin(addinUrl) {
  let url;
  try {
    url = new URL(String(addinUrl).trim());
  } catch {
    throw new Error(`ADDIN_URL "${addinUrl}" is not a URL; give the add-in's https origin, e.g. https://addin.contoso.com`);
  }
  if (url.protocol !== "https:") {
    throw new Error(`ADDIN_URL "${addinUrl}" must use https: Outlook loads add-ins only over HTTPS`);
  }
  if (isLoopbackHost(url.hostname)) {
    throw new Error(`ADDIN_URL "${addinUrl}" points at this machine; give the host name users' Outlook reaches, e.g. https://addin.contoso.com`);
  }
  if (url.pathname !== "/" || url.search || url.hash || url.username || url.password || /[?#]/.test(String(addinUrl))) {
    throw new Error(`ADDIN_URL "${addinUrl}" must be an origin only (https://host[:port]), with no path, query or credentials`);
  }
  return url.origin;
}

// ---------------------------------------------------------------------------------------------
// Production rewrite

/**
 * The manifest to upload for an add-in served from `addinUrl`: every development URL rewritten to
 * that origin, DisplayName without " (dev)", same Id and Version, and the "dev:" comments dropped.
 * @param {string} xml the development manifest
 * @param {string} addinUrl https origin, e.g. https://addin.contoso.com
 * @param {{ webApplicationId?: string }} [options] the Entra app's client id for WebApplicationInfo
 */
function productionManifest(xml, addinUrl, options = {}) {
  const origin = addinOrigin(addinUrl);
  const host = new URL(origin).host;
  let out = String(xml)
    .replace(/[ \t]*<!--\s*dev:[\s\S]*?-->[ \t]*\r?\n?/g, "")
    .split(DEV_ORIGIN).join(origin)
    .split(`api://${new URL(DEV_ORIGIN).host}`).join(`api://${host}`);

  const displayName = /<DisplayName\b[^>]*\/>|<DisplayName\b[^>]*>[\s\S]*?<\/DisplayName>/.exec(out);
  if (!displayName) throw new Error("manifest has no <DisplayName>");
  const productionName = displayName[0].replace(/(\b(?:DefaultValue|Value)\s*=\s*")([^"]*)"/g, (_, head, value) => `${head}${value.replace(/\s*\(dev\)/gi, "")}"`);
  out = out.slice(0, displayName.index) + productionName + out.slice(displayName.index + displayName[0].length);

  if (options.webApplicationId !== undefined) {
    if (!GUID.test(options.webApplicationId)) {
      throw new Error(`webApplicationId "${options.webApplicationId}" is not a GUID; use the Application (client) ID of the Entra app registration`);
    }
    const info = /<WebApplicationInfo>[\s\S]*?<\/WebApplicationInfo>/.exec(out);
    const id = info && /<Id>\s*([^<\s]+)\s*<\/Id>/.exec(info[0]);
    if (!info || !id) throw new Error("manifest has no <WebApplicationInfo><Id> to set webApplicationId in");
    const replaced = info[0].split(id[1]).join(options.webApplicationId);
    out = out.slice(0, info.index) + replaced + out.slice(info.index + info[0].length);
  }

  const leftover = /localhost/i.exec(out);
  if (leftover) {
    const line = out.slice(0, leftover.index).split("\n").length;
    throw new Error(`the production manifest still mentions localhost at line ${line}; only ${DEV_ORIGIN} and api://${new URL(DEV_ORIGIN).host} are rewritten`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checks the schema cannot express

/** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
function pngSize(bytes) {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!bytes || bytes.length < 24 || signature.some((b, k) => bytes[k] !== b)) return null;
  if (bytes.toString("latin1", 12, 16) !== "IHDR") return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Resource kinds and which referencing elements must point at which kind. */
const RESOURCE_KINDS = { Images: "image", Urls: "URL", ShortStrings: "short string", LongStrings: "long string" };
const REFERENCE_KIND = {
  Image: "image", SourceLocation: "URL", FunctionFile: "URL",
  Label: "short string", Title: "short string", Tooltip: "short string", Description: "long string",
};

/**
 * Problems in a manifest that Microsoft's schemas cannot see, as sentences (empty when none).
 * @param {string} xml
 * @param {{ allowLocalhost?: boolean, assetsDir?: string, expectedOrigin?: string,
 *   requiredLocales?: string[] }} [options] allowLocalhost for the development manifest only;
 *   assetsDir to check icon files; expectedOrigin to require every URL on that origin.
 * @returns {string[]}
 */
function manifestIssues(xml, options = {}) {
  const { allowLocalhost = false, assetsDir, expectedOrigin, requiredLocales = REQUIRED_LOCALES } = options;
  /** @type {string[]} */ const issues = [];
  let root;
  try {
    root = parseXml(String(xml));
  } catch (err) {
    return [`the manifest is not well-formed XML: ${err.message}`];
  }
  if (root.local !== "OfficeApp") return [`the root element is <${root.name}>, not <OfficeApp>`];
  const elements = allElements(root);

  // Id and Version
  const id = childNamed(root, "Id");
  if (!id || !GUID.test(id.text.trim())) issues.push(`<Id> "${id ? id.text.trim() : ""}" is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`);
  const version = childNamed(root, "Version");
  if (!version || !VERSION.test(version.text.trim())) issues.push(`<Version> "${version ? version.text.trim() : ""}" must be 1 to 4 numbers of at most 5 digits separated by dots, e.g. 1.0.0.0`);

  // URLs
  /** @type {Set<string>} */ const checkedValues = new Set();
  const checkUrl = (value, where) => {
    checkedValues.add(value);
    let url;
    try { url = new URL(value); } catch { issues.push(`${where}: "${value}" is not an absolute URL`); return; }
    if (url.protocol !== "https:") { issues.push(`${where}: "${value}" must use https`); return; }
    if (isLoopbackHost(url.hostname) && !allowLocalhost) issues.push(`${where}: "${value}" points at localhost, which only the development manifest may do`);
    if (expectedOrigin && url.origin !== expectedOrigin) issues.push(`${where}: "${value}" is not on ${expectedOrigin}`);
  };
  const urlValues = (el) => [
    ...(el.attrs.DefaultValue !== undefined ? [el.attrs.DefaultValue] : []),
    ...childrenNamed(el, "Override").map((o) => o.attrs.Value).filter((v) => v !== undefined),
  ];
  const isResource = (el, kind) => el.parent !== null && el.parent.local === kind && el.attrs.id !== undefined;
  for (const el of elements) {
    const urlElement = ["IconUrl", "HighResolutionIconUrl", "SupportUrl"].includes(el.local)
      || (el.local === "SourceLocation" && el.attrs.DefaultValue !== undefined)
      || isResource(el, "Urls") || isResource(el, "Images");
    if (urlElement) for (const v of urlValues(el)) checkUrl(v, located(el));
    if (el.local === "AppDomain") checkUrl(el.text.trim(), located(el));
  }
  // Anything else that looks like an address (comments are not read).
  for (const el of elements) {
    // Namespace names are identifiers, not addresses.
    const attrValues = Object.entries(el.attrs).filter(([name]) => !/^xmlns(:|$)/.test(name)).map(([, v]) => v);
    const values = [...attrValues, ...(el.children.length ? [] : [el.text.trim()])];
    for (const v of values) {
      if (checkedValues.has(v)) continue;
      if (/\bhttp:\/\//i.test(v)) issues.push(`${located(el)}: "${v}" uses http; use https`);
      else if (!allowLocalhost && /localhost|127\.0\.0\.1|\[::1\]/i.test(v)) issues.push(`${located(el)}: "${v}" points at localhost, which only the development manifest may do`);
    }
  }
  const webApp = elements.find((el) => el.local === "WebApplicationInfo");
  if (webApp) {
    const appId = childNamed(webApp, "Id");
    const resource = childNamed(webApp, "Resource");
    const pane = elements.find((el) => isResource(el, "Urls")) || elements.find((el) => el.local === "SourceLocation" && el.attrs.DefaultValue);
    const paneHost = pane ? safeHost(pane.attrs.DefaultValue) : null;
    if (appId && !GUID.test(appId.text.trim())) issues.push(`${located(appId)}: WebApplicationInfo Id must be the Entra app's client id (a GUID)`);
    if (resource && appId && paneHost && resource.text.trim() !== `api://${paneHost}/${appId.text.trim()}`) {
      issues.push(`${located(resource)}: "${resource.text.trim()}" should be api://${paneHost}/${appId.text.trim()} (the add-in's host and the app's client id)`);
    }
  }

  // Resources: ids, lengths, references, locale overrides
  const scopes = elements.filter((el) => el.local === "VersionOverrides");
  for (const scope of scopes) {
    const resources = childNamed(scope, "Resources");
    /** @type {Map<string, { kind: string, el: XmlElement }>} */ const defined = new Map();
    if (resources) {
      for (const collection of resources.children) {
        const kind = RESOURCE_KINDS[collection.local];
        if (!kind) continue;
        for (const res of collection.children) {
          const resId = res.attrs.id;
          if (resId === undefined) continue;
          if (defined.has(resId)) issues.push(`${located(res)}: resource id "${resId}" is defined twice in the same <Resources>`);
          defined.set(resId, { kind, el: res });
          if (resId.length > MAX_RESOURCE_ID) issues.push(`${located(res)}: resource id "${resId}" is ${resId.length} characters; the limit is ${MAX_RESOURCE_ID}`);
          const max = kind === "short string" ? MAX_SHORT_STRING : kind === "long string" ? MAX_LONG_STRING : null;
          if (max !== null) {
            for (const text of urlValues(res)) {
              if (text.length > max) issues.push(`${located(res)}: "${resId}" has a ${kind} of ${text.length} characters; the limit is ${max}`);
            }
            requireOverrides(res, `string resource "${resId}"`);
          }
        }
      }
    }
    /** @type {Set<string>} */ const used = new Set();
    for (const el of allElementsInScope(scope)) {
      const resid = el.attrs.resid;
      if (resid === undefined) continue;
      used.add(resid);
      const target = defined.get(resid);
      const wanted = REFERENCE_KIND[el.local];
      if (resid.length > MAX_RESOURCE_ID) issues.push(`${located(el)}: resid "${resid}" is longer than ${MAX_RESOURCE_ID} characters`);
      if (!target) issues.push(`${located(el)}: resid "${resid}" is not defined in the <Resources> of its <VersionOverrides> (line ${scope.line})`);
      else if (wanted && target.kind !== wanted) issues.push(`${located(el)}: resid "${resid}" names a ${target.kind} resource; <${el.local}> needs a ${wanted}`);
    }
    for (const [resId, { el }] of defined) {
      if (!used.has(resId)) issues.push(`${located(el)}: resource "${resId}" is never referenced in its <VersionOverrides> (line ${scope.line})`);
    }
  }
  function requireOverrides(el, what) {
    for (const locale of requiredLocales) {
      const override = childrenNamed(el, "Override").find((o) => (o.attrs.Locale || "").toLowerCase() === locale.toLowerCase());
      if (!override || !(override.attrs.Value || "").trim()) issues.push(`${located(el)}: ${what} has no ${locale} <Override>`);
    }
  }
  for (const [local, max] of [["DisplayName", MAX_SHORT_STRING], ["Description", MAX_LONG_STRING]]) {
    const el = childNamed(root, local);
    if (!el) { issues.push(`<${local}> is missing`); continue; }
    for (const text of urlValues(el)) if (text.length > max) issues.push(`${located(el)}: ${text.length} characters; the limit is ${max}`);
    requireOverrides(el, `<${local}>`);
  }

  // Mobile buttons: the schema asks for at least nine images, not for which ones; Outlook on iOS and
  // Android need each of 25, 32 and 48 points at each of scales 1, 2 and 3.
  for (const icon of elements.filter((el) => el.local === "Icon" && el.parent && el.parent.local === "Control" && el.parent.attrs["xsi:type"] === "MobileButton")) {
    const have = new Set(childrenNamed(icon, "Image").map((img) => `${img.attrs.size}@${img.attrs.scale}`));
    const missing = MOBILE_ICON_SIZES.flatMap((size) => MOBILE_ICON_SCALES.map((scale) => `${size}@${scale}`)).filter((k) => !have.has(k));
    if (missing.length) issues.push(`${located(icon)}: the mobile button has no image for ${missing.map((k) => k.replace("@", " at scale ")).join(", ")}`);
  }

  // Icons: each file present with the declared pixel size
  /** @type {{ url: string, sizes: Set<number>, where: string }[]} */ const icons = [];
  for (const [local, size] of Object.entries(TOP_LEVEL_ICON_SIZES)) {
    const el = childNamed(root, local);
    if (el) for (const url of urlValues(el)) icons.push({ url, sizes: new Set([size]), where: located(el) });
  }
  for (const scope of scopes) {
    const images = elements.filter((el) => isResource(el, "Images") && nearestScope(el) === scope);
    for (const image of images) {
      // A mobile icon's size is in points at a scale (iOS UIScreen.scale): its file is size × scale
      // pixels. Desktop references have no scale.
      const sizes = new Set(allElementsInScope(scope)
        .filter((ref) => ref.local === "Image" && ref.attrs.resid === image.attrs.id && ref.attrs.size !== undefined)
        .map((ref) => Number(ref.attrs.size) * Number(ref.attrs.scale || 1)));
      for (const url of urlValues(image)) icons.push({ url, sizes, where: located(image) });
    }
  }
  for (const icon of icons) {
    const named = /-(\d+)\.png$/i.exec(icon.url);
    if (named) icon.sizes.add(Number(named[1]));
    if (icon.sizes.size === 0) { issues.push(`${icon.where}: cannot tell the declared size of "${icon.url}" (name it icon-<size>.png or reference it with a size)`); continue; }
    if (icon.sizes.size > 1) issues.push(`${icon.where}: "${icon.url}" is declared at several sizes (${[...icon.sizes].join(", ")} px)`);
    if (!assetsDir) continue;
    let pathname;
    try { pathname = new URL(icon.url).pathname; } catch { continue; } // reported with the URLs
    const m = /^\/assets\/([^/]+)$/.exec(pathname);
    if (!m) { issues.push(`${icon.where}: icon "${icon.url}" is not served from /assets/`); continue; }
    const file = path.join(assetsDir, decodeURIComponent(m[1]));
    if (!fs.existsSync(file)) { issues.push(`${icon.where}: icon file ${path.basename(file)} is missing from ${assetsDir}`); continue; }
    const size = pngSize(fs.readFileSync(file));
    if (!size) { issues.push(`${icon.where}: ${path.basename(file)} is not a PNG`); continue; }
    for (const declared of icon.sizes) {
      if (size.width !== declared || size.height !== declared) {
        issues.push(`${icon.where}: ${path.basename(file)} is ${size.width}×${size.height} px but is declared as ${declared}×${declared} px`);
      }
    }
  }
  return issues;
}

function safeHost(value) {
  try { return new URL(value).host; } catch { return null; }
}
/** The nearest enclosing VersionOverrides of an element. */
function nearestScope(el) {
  for (let p = el.parent; p; p = p.parent) if (p.local === "VersionOverrides") return p;
  return null;
}
/** Elements whose nearest VersionOverrides is `scope` (a nested VersionOverrides is its own scope). */
function allElementsInScope(scope) {
  return allElements(scope).filter((el) => el !== scope && nearestScope(el) === scope);
}

// ---------------------------------------------------------------------------------------------
// Schema validation (xmllint) and the project's paths

/** Where the shared schemas live: beside the project, never copied into it. */
function schemasDirFor(projectRoot) {
  return path.resolve(projectRoot, "..", "shared", "schemas", "office-addin-manifest");
}

/**
 * Validates a manifest file against Microsoft's XML schemas with xmllint (no network access).
 * @returns {{ ok: boolean, output: string } | { skipped: string, missing: "schemas" | "xmllint" }}
 */
function validateWithSchema(xmlFilePath, schemasDir) {
  const xsd = path.join(schemasDir, SCHEMA_ROOT_FILE);
  if (!fs.existsSync(xsd)) {
    const skipped = `schema validation skipped: ${xsd} not found (the schemas live in ../shared/schemas/office-addin-manifest beside the project)`;
    console.warn(skipped);
    return { skipped, missing: "schemas" };
  }
  const run = childProcess.spawnSync("xmllint", ["--nonet", "--noout", "--schema", xsd, xmlFilePath], { encoding: "utf8" });
  if (run.error && /** @type {NodeJS.ErrnoException} */ (run.error).code === "ENOENT") {
    const skipped = "schema validation skipped: xmllint is not installed (Debian/Ubuntu: apt-get install libxml2-utils)";
    console.warn(skipped);
    return { skipped, missing: "xmllint" };
  }
  if (run.error) throw run.error;
  return { ok: run.status === 0, output: `${run.stdout || ""}${run.stderr || ""}`.trim() };
}

// ---------------------------------------------------------------------------------------------
// Releases: a manifest change needs a bigger Version

/** The manifest's top-level <Version>, or null. */
function manifestVersion(xml) {
  const m = /<Version>\s*([^<]*?)\s*<\/Version>/.exec(String(xml));
  return m ? m[1] : null;
}

/** sha256 of the manifest with line endings normalised and the Version value blanked. */
function manifestFingerprint(xml) {
  const normalised = String(xml).replace(/\r\n?/g, "\n").replace(/<Version>[^<]*<\/Version>/, "<Version></Version>");
  return crypto.createHash("sha256").update(normalised, "utf8").digest("hex");
}

/** Negative, zero or positive as version a is below, equal to or above b (missing parts are 0). */
function compareVersions(a, b) {
  const pa = a.split(".").map(Number), pb = b.split(".").map(Number);
  for (let k = 0; k < Math.max(pa.length, pb.length); k++) {
    const d = (pa[k] || 0) - (pb[k] || 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Why this manifest cannot ship as it is compared with the last released one, or null.
 * @param {string} xml @param {{ version: string, sha256: string }} released
 */
function releaseIssue(xml, released) {
  const version = manifestVersion(xml);
  if (version === null) return "manifest.xml has no <Version>";
  if (manifestFingerprint(xml) === released.sha256) {
    return compareVersions(version, released.version) < 0
      ? `<Version> ${version} is below the released ${released.version}; restore it`
      : null;
  }
  if (compareVersions(version, released.version) > 0) return null;
  return `manifest.xml changed since release ${released.version} but its <Version> is still ${version}: ` +
    "bump <Version> in manifest.xml and update build-tools/released-manifest.json " +
    "(node build-tools/manifest.js --record-release) when you release it";
}

// ---------------------------------------------------------------------------------------------
// CLI

function main(argv) {
  const projectRoot = path.resolve(__dirname, "..");
  const args = [...argv];
  const flag = (name) => { const k = args.indexOf(name); if (k < 0) return undefined; const [, value] = args.splice(k, 2); return value; };
  const record = args.includes("--record-release");
  if (record) args.splice(args.indexOf("--record-release"), 1);
  const production = flag("--production");
  const file = path.resolve(args[0] || path.join(projectRoot, "manifest.xml"));
  const dev = fs.readFileSync(file, "utf8");

  if (record) {
    const out = path.join(__dirname, "released-manifest.json");
    fs.writeFileSync(out, `${JSON.stringify({ version: manifestVersion(dev), sha256: manifestFingerprint(dev) }, null, 2)}\n`);
    console.log(`recorded release ${manifestVersion(dev)} in ${path.relative(process.cwd(), out)}`);
    return 0;
  }
  const xml = production ? productionManifest(dev, production) : dev;
  let checked = file;
  if (production) {
    checked = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "manifest-")), "manifest.xml");
    fs.writeFileSync(checked, xml);
  }
  const issues = manifestIssues(xml, {
    allowLocalhost: !production,
    assetsDir: path.join(projectRoot, "assets"),
    expectedOrigin: production ? addinOrigin(production) : undefined,
  });
  const schema = validateWithSchema(checked, schemasDirFor(projectRoot));
  for (const issue of issues) console.error(`✗ ${issue}`);
  if ("ok" in schema && !schema.ok) console.error(`✗ schema: ${schema.output}`);
  const failed = issues.length > 0 || ("ok" in schema && !schema.ok);
  if (!failed) console.log(`✓ ${production ? `production manifest for ${production}` : path.relative(process.cwd(), file)} passes every check${"skipped" in schema ? " (schema validation skipped)" : " and the schema"}`);
  return failed ? 1 : 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(err.message);
    process.exitCode = 2;
  }
}

module.exports = {
  DEV_ORIGIN,
  REQUIRED_LOCALES,
  addinOrigin,
  productionManifest,
  manifestIssues,
  pngSize,
  parseXml,
  schemasDirFor,
  validateWithSchema,
  manifestVersion,
  manifestFingerprint,
  compareVersions,
  releaseIssue,
};
