import type { TFunction } from "i18next";
import {
  type Action,
  ACTIONS,
  allFlags,
  ENTITIES,
  type Entity,
  FLAG_CODES,
  type FlagCode,
  type Flags,
  flagCodeOf,
  flagDefinition,
  isFlagCode,
  type Side,
  SIDES,
  SYNCPAR_CODES,
} from "../../src/core/flags";
import { createI18n, type Language } from "../../src/taskpane/i18n";
import { en } from "../../src/taskpane/i18n/en";
import { fr } from "../../src/taskpane/i18n/fr";
import { sentencesEn, sentencesFr } from "../../src/taskpane/i18n/sentences";
import { createTranslator } from "../../src/taskpane/i18n/translator";
import { bothWaysDeletionWarning, deleteConsequence, entitySentences, flagHelp } from "../../src/taskpane/sentences";

const LANGUAGES: readonly Language[] = ["en", "fr"];
const tOf = (language: Language): TFunction => createI18n(language).t;

/** The actions a direction has: calls are never created in X3 from Outlook. */
const actionsOf = (entity: Entity, side: Side): Action[] =>
  ACTIONS.filter((a) => isFlagCode(flagCodeOf(entity, side, a)));

/** Every subset of the direction's actions. */
function subsets(actions: readonly Action[]): Action[][] {
  return Array.from({ length: 2 ** actions.length }, (_, mask) => actions.filter((_, i) => mask & (1 << i)));
}

/** `base` with exactly `on` of the entity's flags on that side turned on. */
function withSide(base: Flags, entity: Entity, side: Side, on: readonly Action[]): Flags {
  const flags: Record<FlagCode, boolean> = { ...base };
  for (const a of actionsOf(entity, side)) flags[flagCodeOf(entity, side, a) as FlagCode] = on.includes(a);
  return flags;
}

function flagsWith(entity: Entity, toX3: readonly Action[], toOutlook: readonly Action[]): Flags {
  return withSide(withSide(allFlags(false), entity, "x3", toX3), entity, "outlook", toOutlook);
}

function expectClean(text: string): void {
  expect(text.trim()).not.toBe("");
  expect(text).not.toContain("{{");
  expect(text).not.toContain("}}");
  expect(text).not.toMatch(/undefined|null|\[object/);
  expect(text).not.toContain("sentences."); // a missing key comes back as the key
  expect(text).toMatch(/[.!]$/);
}

describe("resources", () => {
  it("have the same keys in English and French", () => {
    const keys = (o: unknown, prefix = ""): string[] =>
      typeof o === "object" && o !== null
        ? Object.entries(o).flatMap(([k, v]) => keys(v, `${prefix}${k}.`))
        : [prefix];
    expect(keys(sentencesFr).sort()).toEqual(keys(sentencesEn).sort());
  });
});

describe.each(LANGUAGES)("entitySentences (%s)", (language) => {
  const t = tOf(language);
  const sideKey = { x3: "toX3", outlook: "toOutlook" } as const;

  describe.each(ENTITIES)("%s", (entity) => {
    it.each(SIDES)("gives a distinct, complete sentence for every combination of the %s side", (side) => {
      const seen = new Set<string>();
      const combinations = subsets(actionsOf(entity, side));
      expect(combinations).toHaveLength(entity === "call" && side === "x3" ? 4 : 8);
      for (const on of combinations) {
        const sentence = entitySentences(t, language, entity, withSide(allFlags(false), entity, side, on))[sideKey[side]];
        expectClean(sentence);
        seen.add(sentence);
      }
      expect(seen.size).toBe(combinations.length);
    });

    it("depends only on the flags of its own direction", () => {
      const other = { x3: "outlook", outlook: "x3" } as const;
      for (const side of SIDES) {
        for (const on of subsets(actionsOf(entity, side))) {
          const flags = withSide(allFlags(false), entity, side, on);
          const expected = entitySentences(t, language, entity, flags)[sideKey[side]];
          for (const otherOn of subsets(actionsOf(entity, other[side]))) {
            const both = withSide(flags, entity, other[side], otherOn);
            expect(entitySentences(t, language, entity, both)[sideKey[side]]).toBe(expected);
          }
          // Other entities' flags do not matter either.
          const rest = withSide(allFlags(true), entity, side, on);
          expect(entitySentences(t, language, entity, rest)[sideKey[side]]).toBe(expected);
        }
      }
    });

    it("has a note for calls only", () => {
      const { note } = entitySentences(t, language, entity, allFlags(true));
      if (entity === "call") {
        expectClean(note ?? "");
      } else {
        expect(note).toBeNull();
      }
    });
  });

  it("never says a call is created in X3 from Outlook", () => {
    const creation = language === "en" ? /creat/i : /créa|créé/i;
    for (const on of subsets(actionsOf("call", "x3"))) {
      const { toX3 } = entitySentences(t, language, "call", flagsWith("call", on, ACTIONS));
      expect(toX3).not.toMatch(creation);
    }
  });
});

it.each(LANGUAGES)("entitySentences says with the pane's translator what it says with i18next (%s)", (language) => {
  const pane = createTranslator(language, { en, fr }).t as unknown as TFunction;
  const i18next = tOf(language);
  for (const entity of ENTITIES) {
    for (const toX3 of subsets(actionsOf(entity, "x3"))) {
      for (const toOutlook of subsets(actionsOf(entity, "outlook"))) {
        const flags = flagsWith(entity, toX3, toOutlook);
        expect(entitySentences(pane, language, entity, flags)).toEqual(entitySentences(i18next, language, entity, flags));
      }
    }
  }
});

describe("entitySentences, word for word", () => {
  const en = tOf("en");
  const fr = tOf("fr");
  const { create, update, delete: del } = { create: "create", update: "update", delete: "delete" } as const;

  it("says it in English", () => {
    expect(entitySentences(en, "en", "appointment", flagsWith("appointment", [create, update], []))).toEqual({
      toX3: "Appointments you create or change in Outlook are created or updated in X3; deleting one in Outlook does not delete it in X3.",
      toOutlook: "Nothing done to appointments in X3 reaches Outlook.",
      note: null,
    });
    expect(entitySentences(en, "en", "contact", flagsWith("contact", [del], [create, update, del]))).toEqual({
      toX3: "Contacts you delete in Outlook are deleted in X3; creating or changing one in Outlook does not create or update it in X3.",
      toOutlook: "Contacts created, changed, or deleted in X3 are created, updated, or deleted in Outlook.",
      note: null,
    });
    expect(entitySentences(en, "en", "task", flagsWith("task", [], [update]))).toEqual({
      toX3: "Nothing you do to tasks in Outlook reaches X3.",
      toOutlook: "Tasks changed in X3 are updated in Outlook; creating or deleting one in X3 does not create or delete it in Outlook.",
      note: null,
    });
    expect(entitySentences(en, "en", "call", flagsWith("call", [update, del], [create]))).toEqual({
      toX3: "Calls you change or delete in Outlook are updated or deleted in X3.",
      toOutlook: "Calls created in X3 are created in Outlook; changing or deleting one in X3 does not update or delete it in Outlook.",
      note: "X3 calls appear in Outlook's task list; a call cannot be created from Outlook.",
    });
  });

  it("says it in French", () => {
    expect(entitySentences(fr, "fr", "appointment", flagsWith("appointment", [create, update], []))).toEqual({
      toX3: "Les créations et modifications de rendez-vous faites dans Outlook sont reportées dans X3 ; les suppressions ne le sont pas.",
      toOutlook: "Aucune création, modification ou suppression de rendez-vous faite dans X3 n'est reportée dans Outlook.",
      note: null,
    });
    expect(entitySentences(fr, "fr", "task", flagsWith("task", [del], [create, update, del]))).toEqual({
      toX3: "Les suppressions de tâches faites dans Outlook sont reportées dans X3 ; les créations et modifications ne le sont pas.",
      toOutlook: "Les créations, modifications et suppressions de tâches faites dans X3 sont reportées dans Outlook.",
      note: null,
    });
    expect(entitySentences(fr, "fr", "call", flagsWith("call", [], [update]))).toEqual({
      toX3: "Aucune modification ou suppression d'appels faite dans Outlook n'est reportée dans X3.",
      toOutlook: "Les modifications d'appels faites dans X3 sont reportées dans Outlook ; les créations et suppressions ne le sont pas.",
      note: "Les appels X3 apparaissent dans la liste des tâches d'Outlook ; un appel ne peut pas être créé depuis Outlook.",
    });
    expect(entitySentences(fr, "fr", "call", flagsWith("call", [update], [])).toX3).toBe(
      "Les modifications d'appels faites dans Outlook sont reportées dans X3 ; les suppressions ne le sont pas.",
    );
    expect(entitySentences(fr, "fr", "contact", flagsWith("contact", [create, update, del], [])).toX3).toBe(
      "Les créations, modifications et suppressions de contacts faites dans Outlook sont reportées dans X3.",
    );
  });
});

describe("deleteConsequence", () => {
  const DELETE_CODES = FLAG_CODES.filter((c) => flagDefinition(c).action === "delete");

  it("covers the 8 Delete flags", () => {
    expect(DELETE_CODES).toHaveLength(8);
  });

  it.each([
    ["en", "CORADXDLT", "Deleting a contact in Outlook will delete it in X3."],
    ["en", "COROTKDLT", "Deleting a contact in X3 will delete it in Outlook."],
    ["en", "TSKADXDLT", "Deleting a task in Outlook will delete it in X3."],
    ["en", "TSKOTKDLT", "Deleting a task in X3 will delete it in Outlook."],
    ["en", "CLLADXDLT", "Deleting a call in Outlook will delete it in X3."],
    ["en", "CLLOTKDLT", "Deleting a call in X3 will delete it in Outlook."],
    ["en", "BAPADXDLT", "Deleting an appointment in Outlook will delete it in X3."],
    ["en", "BAPOTKDLT", "Deleting an appointment in X3 will delete it in Outlook."],
    ["fr", "CORADXDLT", "Supprimer un contact dans Outlook le supprimera dans X3."],
    ["fr", "COROTKDLT", "Supprimer un contact dans X3 le supprimera dans Outlook."],
    ["fr", "TSKADXDLT", "Supprimer une tâche dans Outlook la supprimera dans X3."],
    ["fr", "TSKOTKDLT", "Supprimer une tâche dans X3 la supprimera dans Outlook."],
    ["fr", "CLLADXDLT", "Supprimer un appel dans Outlook le supprimera dans X3."],
    ["fr", "CLLOTKDLT", "Supprimer un appel dans X3 le supprimera dans Outlook."],
    ["fr", "BAPADXDLT", "Supprimer un rendez-vous dans Outlook le supprimera dans X3."],
    ["fr", "BAPOTKDLT", "Supprimer un rendez-vous dans X3 le supprimera dans Outlook."],
  ] as const)("%s %s: %s", (language, code, expected) => {
    expect(deleteConsequence(tOf(language), code)).toBe(expected);
  });

  it("refuses a flag that is not a Delete flag", () => {
    const t = tOf("en");
    const others = FLAG_CODES.filter((c) => !DELETE_CODES.includes(c));
    expect(others).toHaveLength(15);
    for (const code of others) expect(() => deleteConsequence(t, code)).toThrow(code);
  });
});

describe("bothWaysDeletionWarning", () => {
  it("warns in both languages", () => {
    expect(bothWaysDeletionWarning(tOf("en"), "contact")).toBe(
      "Deletions go both ways for contacts: deleting a contact in Outlook or in X3 deletes it on the other side too.",
    );
    expect(bothWaysDeletionWarning(tOf("en"), "appointment")).toBe(
      "Deletions go both ways for appointments: deleting an appointment in Outlook or in X3 deletes it on the other side too.",
    );
    expect(bothWaysDeletionWarning(tOf("fr"), "task")).toBe(
      "Les suppressions se font dans les deux sens pour vos tâches : supprimer une tâche dans Outlook ou dans X3 la supprime aussi de l'autre côté.",
    );
    expect(bothWaysDeletionWarning(tOf("fr"), "call")).toBe(
      "Les suppressions se font dans les deux sens pour vos appels : supprimer un appel dans Outlook ou dans X3 le supprime aussi de l'autre côté.",
    );
  });

  it.each(LANGUAGES)("has a distinct warning for each entity (%s)", (language) => {
    const warnings = ENTITIES.map((e) => bothWaysDeletionWarning(tOf(language), e));
    warnings.forEach(expectClean);
    expect(new Set(warnings).size).toBe(ENTITIES.length);
  });
});

describe("flagHelp", () => {
  const en = tOf("en");
  const fr = tOf("fr");

  it("has the 24 SYNCPAR columns", () => {
    expect(SYNCPAR_CODES).toHaveLength(24);
    expect(Object.keys(sentencesEn.help).sort()).toEqual([...SYNCPAR_CODES].sort());
    expect(Object.keys(sentencesFr.help).sort()).toEqual([...SYNCPAR_CODES].sort());
  });

  it.each(SYNCPAR_CODES)("%s: the seed's help in English, a translation in French", (code) => {
    const english = flagHelp(en, code);
    const french = flagHelp(fr, code);
    expectClean(english);
    expectClean(french);
    expect(english.startsWith(flagDefinition(code).help)).toBe(true);
    expect(french).not.toBe(english);
    expect(french).not.toContain(flagDefinition(code).help);
    if (flagDefinition(code).entity === "call") {
      expect(english).toMatch(/X3 calls appear in the task list/);
      expect(french).toMatch(/les appels X3 apparaissent dans la liste des tâches/);
    } else {
      expect(english).toBe(flagDefinition(code).help);
      expect(english).not.toMatch(/task list/);
    }
  });

  it("says why CLLADXCRE is off", () => {
    expect(flagHelp(en, "CLLADXCRE")).toMatch(/never be created from Outlook/);
    expect(flagHelp(fr, "CLLADXCRE")).toMatch(/jamais être créé depuis Outlook/);
  });

  it("tells the French flags apart", () => {
    expect(new Set(SYNCPAR_CODES.map((c) => flagHelp(fr, c))).size).toBe(24);
  });
});
