/** Types of build-tools/manifest.js (plain CommonJS so webpack's config can load it too). */

export interface XmlElement {
  name: string;
  local: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
  line: number;
  parent: XmlElement | null;
}

export interface ManifestCheckOptions {
  /** Only for the development manifest. */
  allowLocalhost?: boolean;
  /** Folder holding the icon files; without it icon files are not checked. */
  assetsDir?: string;
  /** When set, every URL must be on this origin. */
  expectedOrigin?: string;
  /** Locales every string must override; default ["fr-FR"]. */
  requiredLocales?: string[];
}

export type SchemaValidation =
  | { ok: boolean; output: string }
  | { skipped: string; missing: "schemas" | "xmllint" };

export interface ReleasedManifest {
  version: string;
  sha256: string;
}

export const DEV_ORIGIN: string;
export const REQUIRED_LOCALES: string[];
export function addinOrigin(addinUrl: string): string;
export function productionManifest(xml: string, addinUrl: string, options?: { webApplicationId?: string }): string;
export function manifestIssues(xml: string, options?: ManifestCheckOptions): string[];
export function pngSize(bytes: Buffer): { width: number; height: number } | null;
export function parseXml(xml: string): XmlElement;
export function schemasDirFor(projectRoot: string): string;
export function validateWithSchema(xmlFilePath: string, schemasDir: string): SchemaValidation;
export function manifestVersion(xml: string): string | null;
export function manifestFingerprint(xml: string): string;
export function compareVersions(a: string, b: string): number;
export function releaseIssue(xml: string, released: ReleasedManifest): string | null;
