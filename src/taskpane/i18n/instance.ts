/** One i18next instance over the translations given; English is always among them, as the fallback. */
import i18next, { type i18n } from "i18next";
import { initReactI18next } from "react-i18next";
import type { Language } from "./language";
import type { StringTable } from "./translator";

export function i18nWith(language: Language, translations: { readonly en: StringTable } & Partial<Record<Language, StringTable>>): i18n {
  const instance = i18next.createInstance();
  const resources = Object.fromEntries(Object.entries(translations).map(([lng, translation]) => [lng, { translation }]));
  void instance.use(initReactI18next).init({
    lng: language,
    fallbackLng: "en",
    resources,
    interpolation: { escapeValue: false }, // React escapes.
    initAsync: false,
    returnNull: false,
  });
  return instance;
}
