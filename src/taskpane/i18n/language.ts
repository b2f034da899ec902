/** The languages the pane speaks, and which one Outlook's display language means. */
export const SUPPORTED_LANGUAGES = ["en", "fr"] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];

/** "fr-FR", "fr-CA", "FR" → "fr"; anything we do not translate → "en". */
export function languageOf(displayLanguage: string | undefined): Language {
  const base = (displayLanguage ?? "").toLowerCase().split(/[-_]/)[0];
  return (SUPPORTED_LANGUAGES as readonly string[]).includes(base ?? "") ? (base as Language) : "en";
}
