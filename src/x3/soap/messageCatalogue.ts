/**
 * The one place where the wording of X3's messages matters, and only for what the structure of the
 * answer cannot tell: a locked record or an unknown/stopped pool come back exactly like a validation
 * error (status 0 and a type-3 message, X3-SOAP.md §6), yet the first two pass and the last does not.
 *
 * X3 writes its messages in the call's language (codeLang), so the texts are kept per language and only
 * the call's language is consulted: a French text never classifies an English call. The built-in texts
 * are X3-SOAP.md §6's ([C] OH-ERR texts, [S] their use in SOAP); IT extends them by configuration when
 * its X3 words them otherwise. Anything not recognised is permanent: the outbox stops and shows X3's own
 * words, which is safe (a person looks), where a wrong "transient" would retry a refusal for ever.
 */

/** What a recognised message means for the caller. */
export const MESSAGE_CATEGORIES = ["locked", "poolUnavailable", "unknownPublication"] as const;
export type MessageCategory = (typeof MESSAGE_CATEGORIES)[number];

/** Category → fragments (case-insensitive, contained in the message), per X3 language code. */
export type MessageCatalogue = Readonly<Record<string, Readonly<Partial<Record<MessageCategory, readonly string[]>>>>>;

/** Locked and pool failures pass with time; an unknown publication needs IT (GESAWE). */
export const TRANSIENT_CATEGORIES: ReadonlySet<MessageCategory> = new Set(["locked", "poolUnavailable"]);

export const BUILT_IN_MESSAGES: MessageCatalogue = {
  ENG: {
    locked: ["Locked record", "Change in progress on another workstation", "record locked"],
    poolUnavailable: ["No classic web service pool match", "pool is not started", "No Web services accepted"],
    unknownPublication: ["Unknown web service"],
  },
  FRA: {
    locked: ["Fiche en cours de modification", "Enregistrement verrouillé", "Fiche bloquée"],
    poolUnavailable: ["Aucun pool de services web classiques", "No classic web service pool match"],
    unknownPublication: ["Service web inexistant"],
  },
};

/** The built-in texts with IT's additions: extensions add fragments, they never remove ours. */
export function mergeCatalogues(base: MessageCatalogue, extension: MessageCatalogue | undefined): MessageCatalogue {
  if (!extension) return base;
  const merged: Record<string, Partial<Record<MessageCategory, readonly string[]>>> = {};
  for (const lang of new Set([...Object.keys(base), ...Object.keys(extension)].map((l) => l.toUpperCase()))) {
    const entry: Partial<Record<MessageCategory, readonly string[]>> = {};
    for (const category of MESSAGE_CATEGORIES) {
      const texts = [...(base[lang]?.[category] ?? []), ...(extension[lang]?.[category] ?? [])];
      if (texts.length > 0) entry[category] = texts;
    }
    merged[lang] = entry;
  }
  return merged;
}

/** The category of X3's error messages in the call's language, or null: unrecognised. */
export function categorize(catalogue: MessageCatalogue, language: string, messages: readonly string[]): MessageCategory | null {
  const entry = catalogue[language.toUpperCase()];
  if (!entry) return null;
  const lowered = messages.map((m) => m.toLowerCase());
  for (const category of MESSAGE_CATEGORIES) {
    const texts = entry[category] ?? [];
    if (texts.some((t) => t.trim() !== "" && lowered.some((m) => m.includes(t.toLowerCase())))) return category;
  }
  return null;
}

/**
 * Parses IT's extension, JSON such as {"FRA": {"locked": ["Fiche verrouillée"]}}: languages are X3
 * codes, categories those above. Throws a RangeError naming what is wrong.
 */
export function parseMessageCatalogue(json: string): MessageCatalogue {
  let raw: unknown;
  try {
    raw = JSON.parse(json) as unknown;
  } catch {
    throw new RangeError("X3 SOAP message catalogue: not JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new RangeError("X3 SOAP message catalogue: expected an object of languages");
  const out: Record<string, Partial<Record<MessageCategory, readonly string[]>>> = {};
  for (const [lang, entry] of Object.entries(raw)) {
    if (!/^[A-Za-z]{2,3}$/.test(lang)) throw new RangeError(`X3 SOAP message catalogue: ${lang} is not an X3 language code`);
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new RangeError(`X3 SOAP message catalogue: ${lang} must map categories to lists of texts`);
    const categories: Partial<Record<MessageCategory, readonly string[]>> = {};
    for (const [category, texts] of Object.entries(entry as Record<string, unknown>)) {
      if (!(MESSAGE_CATEGORIES as readonly string[]).includes(category)) {
        throw new RangeError(`X3 SOAP message catalogue: unknown category ${category} (known: ${MESSAGE_CATEGORIES.join(", ")})`);
      }
      if (!Array.isArray(texts) || !texts.every((t) => typeof t === "string" && t.trim() !== "")) {
        throw new RangeError(`X3 SOAP message catalogue: ${lang}.${category} must be a list of non-empty texts`);
      }
      categories[category as MessageCategory] = texts as string[];
    }
    out[lang.toUpperCase()] = categories;
  }
  return out;
}
