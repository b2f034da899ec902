/**
 * The pane's strings: each language is a chunk of its own, and the first render waits for the display
 * language's only — an English user does not download French, a French user does not download English
 * before the pane is usable. English, every language's fallback (French is complete, the type checker says
 * so; a key it lacked would show in English), follows once the pane is idle.
 */
import { prefetchLater } from "../lazy";
import type { AdminStrings } from "./admin";
import type { Resources } from "./en";
import type { Language } from "./language";
import { createTranslator, type PaneI18n, type StringTable } from "./translator";

const LOADERS: Record<Language, () => Promise<Resources>> = {
  en: () => import(/* webpackChunkName: "i18n-en" */ "./en").then((m) => m.en),
  fr: () => import(/* webpackChunkName: "i18n-fr" */ "./fr").then((m) => m.fr),
};

const loading = new Map<Language, Promise<Resources>>();

/**
 * A language's strings, downloaded once (a failed download is tried once more at once, then again at the
 * next call). index.tsx starts the browser's language while Office starts, before Outlook says which.
 */
export function preloadLanguage(language: Language): Promise<Resources> {
  let strings = loading.get(language);
  if (!strings) {
    strings = LOADERS[language]().catch(() => LOADERS[language]());
    strings.catch(() => loading.delete(language));
    loading.set(language, strings);
  }
  return strings;
}

const VIEW_STRINGS: Record<Language, () => Promise<AdminStrings>> = {
  en: () => import(/* webpackChunkName: "strings-admin-en" */ "./admin").then((m) => m.adminEn),
  fr: () => import(/* webpackChunkName: "strings-admin-fr" */ "./admin.fr").then((m) => m.adminFr),
};

/** The translator's tables, once loadI18n made it: the views' strings are added to them. */
let shown: { readonly language: Language; readonly translations: Partial<Record<Language, StringTable>> } | null = null;
let viewStrings: Promise<void> | null = null;

/**
 * The strings of the history, the change lists and the user picker (admin.*), added to the pane's tables;
 * views.ts loads them with those views. Nothing to do under the tests' i18next, which has them all.
 */
export function loadViewStrings(): Promise<void> {
  const current = shown;
  if (!current) return Promise.resolve();
  viewStrings ??= VIEW_STRINGS[current.language]().then(
    (admin) => {
      current.translations[current.language] = { ...current.translations[current.language], admin };
    },
    (err: unknown) => {
      viewStrings = null; // asked again with the view's own retry
      throw err;
    },
  );
  return viewStrings;
}

function translatorFor(language: Language, translations: Partial<Record<Language, StringTable>>): PaneI18n {
  shown = { language, translations };
  viewStrings = null;
  return createTranslator(language, translations);
}

export async function loadI18n(language: Language): Promise<PaneI18n> {
  if (language !== "en") {
    try {
      const translations: Partial<Record<Language, StringTable>> = { [language]: await preloadLanguage(language) };
      prefetchLater(() => preloadLanguage("en").then((en) => void (translations.en = { ...en, ...translations.en })));
      return translatorFor(language, translations);
    } catch {
      // The display language could not be fetched: English rather than no pane.
    }
  }
  return translatorFor("en", { en: await preloadLanguage("en") });
}
