/**
 * Plain-language sentences about a setup: what each entity's flags do, what turning a Delete flag on
 * does, the both-ways deletion warning and the flags' help texts. The strings are in
 * i18n/sentences.ts; lists of actions are joined with Intl.ListFormat so any combination reads well.
 */
import type { TFunction } from "i18next";
import {
  type Action,
  ACTIONS,
  type Entity,
  type FlagCode,
  type Flags,
  flagCodeOf,
  flagDefinition,
  isFlagCode,
  type Side,
  type SyncparCode,
} from "../core/flags";
import type { sentencesEn } from "./i18n/sentences";
import { listOf } from "./listFormat";

export interface EntitySentences {
  /** What the user's changes in Outlook do in X3 (flags applied in X3). */
  readonly toX3: string;
  /** What changes made in X3 do in Outlook (flags applied in Outlook). */
  readonly toOutlook: string;
  /** A remark about the entity as a whole: set for calls only. */
  readonly note: string | null;
}

type ActionForm = keyof (typeof sentencesEn)["actions"]["create"];
type EntityForm = keyof (typeof sentencesEn)["entities"]["contact"];

const ACTION_FORMS: readonly ActionForm[] = [
  "verb",
  "participle",
  "result",
  "resultVerb",
  "gerund",
  "noun",
  "nounOne",
];
const ENTITY_FORMS: readonly EntityForm[] = ["subject", "object", "partitive", "one", "pronoun"];

/** The values are whole words; React escapes what is rendered, so i18next must not. */
const RAW = { interpolation: { escapeValue: false } } as const;

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function entityWords(t: TFunction, entity: Entity): Record<EntityForm, string> {
  return Object.fromEntries(ENTITY_FORMS.map((f) => [f, entityWord(t, entity, f)])) as Record<EntityForm, string>;
}

function entityWord(t: TFunction, entity: Entity, form: EntityForm): string {
  return t(`sentences.entities.${entity}.${form}`);
}

const LIST_PREFIXES = ["", "off", "all"] as const;
type ListPrefix = (typeof LIST_PREFIXES)[number];

/**
 * The list placeholders: {{verbAnd}}, {{verbOr}} … for prefix "" (the actions on), "off" (off) or "all"
 * (every action of the direction), e.g. {{offGerundOr}}.
 */
const LIST_WORDS = new Map<string, { readonly prefix: ListPrefix; readonly form: ActionForm; readonly type: "conjunction" | "disjunction" }>(
  LIST_PREFIXES.flatMap((prefix) =>
    ACTION_FORMS.flatMap((form) => {
      const name = prefix ? `${prefix}${capitalized(form)}` : form;
      return [
        [`${name}And`, { prefix, form, type: "conjunction" as const }],
        [`${name}Or`, { prefix, form, type: "disjunction" as const }],
      ] as const;
    }),
  ),
);

const PLACEHOLDER = /\{\{\s*(.+?)\s*\}\}/g;

/** The actions a direction has: calls are never created in X3 from Outlook, so CLLADXCRE is not one. */
function actionsOf(entity: Entity, side: Side): Action[] {
  return ACTIONS.filter((a) => isFlagCode(flagCodeOf(entity, side, a)));
}

function directionSentence(t: TFunction, language: string, entity: Entity, side: Side, flags: Flags): string {
  const all = actionsOf(entity, side);
  const on = all.filter((a) => flags[flagCodeOf(entity, side, a) as FlagCode]);
  const off = all.filter((a) => !on.includes(a));
  const actions: Record<ListPrefix, Action[]> = { "": on, off, all };
  const template = on.length === 0 ? "none" : off.length === 0 ? "all" : "some";
  const key = `sentences.${side === "x3" ? "toX3" : "toOutlook"}.${template}`;
  // Only the words the sentence uses (its template, read with no values, keeps its placeholders): the first
  // screen has eight of these sentences, and each form of each list would be dozens of lookups and lists.
  const words: Record<string, string> = {};
  for (const [, name] of t(key).matchAll(PLACEHOLDER)) {
    if (name === undefined || name in words) continue;
    const list = LIST_WORDS.get(name);
    if (list) {
      words[name] = listOf(language, actions[list.prefix].map((a) => t(`sentences.actions.${a}.${list.form}`)), list.type);
    } else if ((ENTITY_FORMS as readonly string[]).includes(name)) {
      words[name] = entityWord(t, entity, name as EntityForm);
    }
  }
  return t(key, { ...RAW, ...words });
}

/**
 * What an entity's flags do, in both directions, as they stand in `flags`.
 * `language` is the one of `t` (it is what lists are joined with).
 */
export function entitySentences(t: TFunction, language: string, entity: Entity, flags: Flags): EntitySentences {
  return {
    toX3: directionSentence(t, language, entity, "x3", flags),
    toOutlook: directionSentence(t, language, entity, "outlook", flags),
    note: entity === "call" ? t("sentences.callsNote") : null,
  };
}

/** What turning a Delete flag on will do, e.g. "Deleting a contact in Outlook will delete it in X3." */
export function deleteConsequence(t: TFunction, code: FlagCode): string {
  const { entity, side, action } = flagDefinition(code);
  if (action !== "delete") throw new RangeError(`${code} is not a Delete flag`);
  return t(`sentences.deleteConsequence.${side}`, { ...RAW, ...entityWords(t, entity) });
}

/** The warning shown while an entity's deletions are on in both directions. */
export function bothWaysDeletionWarning(t: TFunction, entity: Entity): string {
  return t("sentences.bothWaysDeletion", { ...RAW, ...entityWords(t, entity) });
}

/** The help text of a SYNCPAR flag; a call flag's also says where X3 calls show in Outlook. */
export function flagHelp(t: TFunction, code: SyncparCode): string {
  const help = t(`sentences.help.${code}`);
  return flagDefinition(code).entity === "call" ? `${help} ${t("sentences.callHelpNote")}` : help;
}
