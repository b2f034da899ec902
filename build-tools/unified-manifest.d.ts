/** Types of build-tools/unified-manifest.js (plain CommonJS so webpack's config can load it too). */

export const UNIFIED_DIR: string;
export const PACKAGE_ICONS: Record<"color" | "outline", { from: string; to: string; size: number }>;

/** The parts of the Microsoft 365 app manifest we read; the rest is as the converter writes it. */
export interface UnifiedManifest {
  $schema: string;
  id: string;
  version: string;
  manifestVersion: string;
  name: { short: string; full: string };
  description: { short: string; full: string };
  icons: { color: string; outline: string };
  developer: { name: string; websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
  validDomains?: string[];
  webApplicationInfo?: { id: string; resource: string };
  authorization?: { permissions?: { resourceSpecific?: { name: string; type: string }[] } };
  localizationInfo?: { defaultLanguageTag: string; additionalLanguages?: { languageTag: string; file: string }[] };
  extensions: Array<{
    requirements?: { scopes?: string[]; capabilities?: { name: string; minVersion?: string }[] };
    runtimes?: Array<{ id: string; code: { page: string }; actions: { id: string; type: string; pinnable?: boolean }[] }>;
    ribbons?: Array<{
      requirements?: { formFactors?: string[] };
      contexts: string[];
      tabs: Array<{
        builtInTabId?: string;
        groups?: Array<{ id: string; controls?: Array<{ id: string; actionId: string; icons: { size: number; url: string }[] }> }>;
        customMobileRibbonGroups?: Array<{ id: string; label: string; controls: Array<{ id: string; type: string; label: string; actionId: string; icons: { size: number; scale: number; url: string }[] }> }>;
      }>;
    }>;
    alternates?: Array<{ alternateIcons?: { icon: { size: number; url: string }; highResolutionIcon: { size: number; url: string } } }>;
  }>;
}

export class UnifiedManifestPlugin {
  constructor(options?: { assetsDir?: string });
  apply(compiler: unknown): void;
}
export function writeUnifiedManifest(options: { xml: string; outDir: string; assetsDir?: string }): Promise<{ manifest: UnifiedManifest; files: string[] }>;
export function buildUnifiedManifest(xml: string, outDir: string, assetsDir?: string): Promise<{ dir: string; files: string[]; warnings: string[] }>;
export function unifiedManifestIssues(dir: string, expected?: { expectedOrigin?: string; id?: string; version?: string }): string[];
export function unifiedVersion(xmlVersion: string): string;
export function shortDescription(full: string, max?: number): string;
export function tidyMobileRibbons(extension: UnifiedManifest["extensions"][number]): void;
