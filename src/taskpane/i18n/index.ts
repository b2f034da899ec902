/**
 * i18next with both languages bundled, synchronously: for tests and tools. The pane itself loads only
 * the display language (./load.ts), the views' strings (admin.*) with the views.
 */
import type { i18n } from "i18next";
import { adminEn } from "./admin";
import { adminFr } from "./admin.fr";
import { en } from "./en";
import { fr } from "./fr";
import { i18nWith } from "./instance";
import type { Language } from "./language";

export { type Language, languageOf, SUPPORTED_LANGUAGES } from "./language";

export function createI18n(language: Language): i18n {
  return i18nWith(language, { en: { ...en, admin: adminEn }, fr: { ...fr, admin: adminFr } });
}
