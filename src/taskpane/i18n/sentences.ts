/**
 * Strings of the plain-language sentences, the flags' help texts and the deletion warnings
 * (src/taskpane/sentences.ts builds the sentences from them).
 *
 * A sentence is a template per language; src/taskpane/sentences.ts fills it with lists of action words
 * joined by Intl.ListFormat. For every form F of `actions.*` it passes:
 *   {{FAnd}} / {{FOr}}        the actions that are on, joined with "and" / "or"
 *   {{offFAnd}} / {{offFOr}}  the actions that are off
 *   {{allFAnd}} / {{allFOr}}  every action the direction has (calls never come from Outlook as a creation)
 * and every form of `entities.<entity>` under its own name ({{subject}}, {{one}} …).
 * Both languages carry the same keys; a form one language does not use is still filled in.
 */
import { type SyncparCode, SYNCPAR_FLAGS } from "../../core/flags";

/** The seed's help texts, all 24 SYNCPAR columns (CLLADXCRE included), straight from the catalogue. */
const helpEn = Object.fromEntries(SYNCPAR_FLAGS.map((f) => [f.code, f.help])) as Record<SyncparCode, string>;

export const sentencesEn = {
  /** How an entity is named inside a sentence. */
  entities: {
    contact: { subject: "Contacts", object: "contacts", partitive: "of contacts", one: "a contact", pronoun: "it" },
    task: { subject: "Tasks", object: "tasks", partitive: "of tasks", one: "a task", pronoun: "it" },
    call: { subject: "Calls", object: "calls", partitive: "of calls", one: "a call", pronoun: "it" },
    appointment: {
      subject: "Appointments",
      object: "appointments",
      partitive: "of appointments",
      one: "an appointment",
      pronoun: "it",
    },
  },
  /**
   * The forms of each action: what the user does (verb, participle), what the other side then does
   * (result, resultVerb), the action as a gerund, and as nouns (plural, singular).
   */
  actions: {
    create: {
      verb: "create",
      participle: "created",
      result: "created",
      resultVerb: "create",
      gerund: "creating",
      noun: "creations",
      nounOne: "creation",
    },
    update: {
      verb: "change",
      participle: "changed",
      result: "updated",
      resultVerb: "update",
      gerund: "changing",
      noun: "changes",
      nounOne: "change",
    },
    delete: {
      verb: "delete",
      participle: "deleted",
      result: "deleted",
      resultVerb: "delete",
      gerund: "deleting",
      noun: "deletions",
      nounOne: "deletion",
    },
  },
  /** Outlook → X3: what the user does in Outlook. */
  toX3: {
    all: "{{subject}} you {{verbOr}} in Outlook are {{resultOr}} in X3.",
    some: "{{subject}} you {{verbOr}} in Outlook are {{resultOr}} in X3; {{offGerundOr}} one in Outlook does not {{offResultVerbOr}} it in X3.",
    none: "Nothing you do to {{object}} in Outlook reaches X3.",
  },
  /** X3 → Outlook: what is done in X3. */
  toOutlook: {
    all: "{{subject}} {{participleOr}} in X3 are {{resultOr}} in Outlook.",
    some: "{{subject}} {{participleOr}} in X3 are {{resultOr}} in Outlook; {{offGerundOr}} one in X3 does not {{offResultVerbOr}} it in Outlook.",
    none: "Nothing done to {{object}} in X3 reaches Outlook.",
  },
  callsNote: "X3 calls appear in Outlook's task list; a call cannot be created from Outlook.",
  /** What turning a Delete flag on does; the key is the side where the deletion is applied. */
  deleteConsequence: {
    x3: "Deleting {{one}} in Outlook will delete {{pronoun}} in X3.",
    outlook: "Deleting {{one}} in X3 will delete {{pronoun}} in Outlook.",
  },
  bothWaysDeletion: "Deletions go both ways for {{object}}: deleting {{one}} in Outlook or in X3 deletes {{pronoun}} on the other side too.",
  /** Help of each SYNCPAR flag. */
  help: helpEn,
  /** Added to the help of every call flag. */
  callHelpNote: "In Outlook, X3 calls appear in the task list.",
};

// French is its own module (and chunk): the pane loads it only when Outlook speaks French.
export { sentencesFr } from "./sentences.fr";
