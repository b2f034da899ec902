/**
 * The pane's light translator (src/taskpane/i18n/translator.ts) must say exactly what i18next says, for
 * every string of both languages: the pane ships the former, the component tests run the latter.
 */
import type { TOptions } from "i18next";
import { createI18n, type Language } from "../../src/taskpane/i18n";
import { adminEn } from "../../src/taskpane/i18n/admin";
import { adminFr } from "../../src/taskpane/i18n/admin.fr";
import { en, type Resources } from "../../src/taskpane/i18n/en";
import { fr } from "../../src/taskpane/i18n/fr";
import { createTranslator } from "../../src/taskpane/i18n/translator";

const LANGUAGES: readonly Language[] = ["en", "fr"];
/** Every string, the views' (admin.*) included, as the pane has them once those views loaded. */
const TABLES = { en: { ...en, admin: adminEn }, fr: { ...fr, admin: adminFr } };

function leaves(tree: unknown, prefix = ""): { key: string; text: string }[] {
  if (typeof tree === "string") return [{ key: prefix, text: tree }];
  return Object.entries(tree as Record<string, unknown>).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

const SUFFIX = /_(zero|one|two|few|many|other)$/;

/** Each key as written, and the key a caller passes (plural and context suffixes taken off). */
function keysOf(resources: object): string[] {
  const keys = new Set<string>();
  for (const { key } of leaves(resources)) {
    keys.add(key);
    let base = key;
    while (SUFFIX.test(base)) keys.add((base = base.replace(SUFFIX, "")));
  }
  return [...keys];
}

/** The variables a key's strings use, in both languages (plural forms included). */
function variablesOf(key: string): string[] {
  const texts = [TABLES.en, TABLES.fr].flatMap((r) => leaves(r).filter((l) => l.key === key || l.key.startsWith(`${key}_`)).map((l) => l.text));
  return [...new Set(texts.flatMap((t) => [...t.matchAll(/\{\{(.+?)\}\}/g)].map((m) => m[1]!.trim())))];
}

function optionSets(key: string): TOptions[] {
  const vars = variablesOf(key).filter((v) => v !== "count");
  const filled = Object.fromEntries(vars.map((v) => [v, `<${v}>`]));
  const sets: TOptions[] = [{}, filled, { ...filled, [vars[0] ?? "x"]: undefined }, { ...filled, [vars[0] ?? "x"]: null } as TOptions];
  for (const count of [0, 1, 2, 5, 1_000_000]) {
    sets.push({ ...filled, count }, { ...filled, count, context: "other" });
  }
  sets.push({ ...filled, context: "other" }, { ...filled, context: "" });
  return sets;
}

describe.each(LANGUAGES)("the pane's translator in %s", (language) => {
  const i18next = createI18n(language);
  const pane = createTranslator(language, TABLES);

  it("has i18next's language", () => {
    expect(pane.language).toBe(i18next.language);
  });

  it("gives i18next's text for every key, with and without counts, contexts and variables", () => {
    let compared = 0;
    for (const key of keysOf(TABLES[language])) {
      for (const options of optionSets(key)) {
        expect({ key, options, text: pane.t(key, options) }).toEqual({ key, options, text: i18next.t(key, options) });
        compared += 1;
      }
      expect({ key, exists: pane.exists(key) }).toEqual({ key, exists: i18next.exists(key) });
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it("answers unknown keys, sections and server problem codes as i18next does", () => {
    for (const key of ["nope", "problems.not-a-code", "status", "problems", "flags.CLLADXCRE", "app.title.more", ""]) {
      expect({ key, text: pane.t(key, { code: "x" }), exists: pane.exists(key) }).toEqual({
        key,
        text: i18next.t(key, { code: "x" }),
        exists: i18next.exists(key),
      });
    }
  });
});

it("falls back to English for a key the display language lacks", () => {
  const partialFr = { ...fr, app: {} } as unknown as Resources;
  expect(createTranslator("fr", { en, fr: partialFr }).t("app.title")).toBe(en.app.title);
});

it("finds strings added to its tables after a first miss (the views' strings, English once idle)", () => {
  const tables: Partial<Record<Language, Record<string, unknown>>> = { fr: { ...fr } };
  const pane = createTranslator("fr", tables);
  expect(pane.t("admin.history.title")).toBe("admin.history.title");
  expect(pane.t("app.title")).toBe(fr.app.title);
  tables.fr = { ...tables.fr, admin: adminFr };
  expect(pane.t("admin.history.title")).toBe(adminFr.history.title);
  expect(pane.t("app.title")).toBe(fr.app.title);
});
