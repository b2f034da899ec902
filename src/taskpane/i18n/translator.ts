/**
 * The pane's translator: the part of i18next the pane uses, in a few hundred bytes instead of i18next's
 * 15 KB gzip (the first load's budget is 140 KB). Tests and tools keep real i18next (./index.ts); the
 * pane's components take either through `PaneI18n` (./react.ts). test/taskpane/translator.test.ts checks
 * that both give the same text for every string of both languages.
 *
 * What it does, as i18next does it with the pane's options (keySeparator ".", fallbackLng "en",
 * escapeValue false, returnNull false):
 * - keys are paths in the string tables ("status.saved"); the display language first, then English (when
 *   loaded);
 * - `count` (not a string) picks the plural form `key_<Intl.PluralRules category>` (and `key_zero` first for
 *   0); `context` picks `key_<context>` (with its plural forms) before the plain key;
 * - `{{name}}` is replaced with the option `name` (a path: `{{a.b}}`), null as empty; an option missing
 *   altogether leaves `{{name}}` as it is, one given as undefined gives an empty string;
 * - a key found nowhere is returned as is; nothing is nested ($t) and nothing is escaped (React escapes).
 */
import type { i18n } from "i18next";
import type { Language } from "./language";

/** What the pane's components use of an i18n instance: i18next's own instance is one (tests use it). */
export type PaneI18n = Pick<i18n, "language" | "t" | "exists">;

type Options = Readonly<Record<string, unknown>>;

/** A language's strings: a tree of sections whose leaves are the texts. */
export type StringTable = Readonly<Record<string, unknown>>;

function lookup(tree: unknown, key: string): unknown {
  let node = tree;
  for (const part of key.split(".")) {
    if (typeof node !== "object" || node === null || !Object.prototype.hasOwnProperty.call(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

const INTERPOLATION = /\{\{(.+?)\}\}/g;

function interpolate(text: string, options: Options): string {
  return text.replace(INTERPOLATION, (match, name: string) => {
    const path = name.trim();
    const value = lookup(options, path);
    if (value === undefined) return Object.prototype.hasOwnProperty.call(options, path) ? "" : match;
    return value === null ? "" : String(value);
  });
}

/**
 * `translations` is read at each call: the pane adds English (the fallback) to it once idle when the
 * display language is another one.
 */
export function createTranslator(language: Language, translations: Partial<Record<Language, StringTable>>): PaneI18n {
  const codes: Language[] = language === "en" ? ["en"] : [language, "en"];
  const plurals = new Map<Language, Intl.PluralRules>();
  const pluralOf = (code: Language, count: number) => {
    let rules = plurals.get(code);
    if (!rules) plurals.set(code, (rules = new Intl.PluralRules(code)));
    return rules.select(count);
  };

  /**
   * Plain keys (no count, no context) found so far: the first screen asks for the same few dozen strings
   * hundreds of times. Only what was found is kept — the tables only grow (English, the views' strings), so
   * a string found stays the one found; a key not found yet is looked up again.
   */
  const found = new Map<string, { value: unknown; code: Language }>();

  /** The first value found for the key, and the language it was found in. */
  function resolve(key: string, options: Options): { value: unknown; code: Language } | null {
    const count = options.count;
    const plural = count !== undefined && typeof count !== "string";
    const context = options.context;
    const withContext = (typeof context === "string" || typeof context === "number") && context !== "";
    if (!plural && !withContext) {
      const known = found.get(key);
      if (known) return known;
    }
    for (const code of codes) {
      // i18next's order, most specific first: context + plural, context, plural, the key itself.
      const forms = (base: string) => (plural ? [...(count === 0 ? [`${base}_zero`] : []), `${base}_${pluralOf(code, Number(count))}`] : []);
      const candidates = [
        ...(withContext ? [...forms(`${key}_${String(context)}`), `${key}_${String(context)}`] : []),
        ...forms(key),
        key,
      ];
      for (const candidate of candidates) {
        const value = lookup(translations[code], candidate);
        if (value !== undefined && value !== null) {
          const result = { value, code };
          if (!plural && !withContext) found.set(key, result);
          return result;
        }
      }
    }
    return null;
  }

  const t = (key: string | readonly string[], options: Options = {}): string => {
    const keys = typeof key === "string" ? [key] : key;
    for (const k of keys) {
      const found = resolve(k, options);
      if (!found) continue;
      if (typeof found.value !== "string") return `key '${k} (${found.code})' returned an object instead of string.`;
      return interpolate(found.value, options);
    }
    return keys[keys.length - 1] ?? "";
  };

  const exists = (key: string | readonly string[], options: Options = {}): boolean =>
    (typeof key === "string" ? [key] : key).some((k) => resolve(k, options) !== null);

  return { language, t: t as unknown as PaneI18n["t"], exists: exists as PaneI18n["exists"] };
}
