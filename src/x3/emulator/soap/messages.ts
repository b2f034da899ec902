/**
 * X3's messages in the call's language (`codeLang`): X3 writes them in the user's language, so a client
 * must never decide on the English wording. ENG, FRA and POR; any other code falls back to ENG.
 * Texts: OH-ERR for the record ones, LM and a French client for the web-service ones, [I] elsewhere
 * (X3-SOAP.md §6).
 */
export const LANGUAGES = ["ENG", "FRA", "POR"] as const;
export type Language = (typeof LANGUAGES)[number];

const ISO: Readonly<Record<string, Language>> = { en: "ENG", fr: "FRA", pt: "POR" };

/**
 * The call's language: `codeLang`, or when it is empty the first tag of an ISO `Accept-Language`
 * header (X3-SOAP.md §3 [S]); ENG otherwise.
 */
export function languageOf(codeLang: string | undefined, acceptLanguage?: string): Language {
  const code = (codeLang ?? "").trim().toUpperCase();
  if (code === "") {
    const primary = (acceptLanguage ?? "").split(",")[0]?.split(/[-;]/)[0]?.trim().toLowerCase() ?? "";
    return ISO[primary] ?? "ENG";
  }
  return (LANGUAGES as readonly string[]).includes(code) ? (code as Language) : "ENG";
}

type Texts = Readonly<Record<Language, string>>;

const TEXTS = {
  recordMissing: { ENG: "Record does not exist", FRA: "Fiche inexistante", POR: "Ficha inexistente" },
  recordExists: { ENG: "Record that already exists", FRA: "Fiche déjà existante", POR: "Ficha já existente" },
  locked: { ENG: "Locked record", FRA: "Fiche en cours de modification", POR: "Ficha em curso de modificação" },
  unknownService: { ENG: "Unknown web service (0)", FRA: "Service web inexistant", POR: "Serviço web inexistente" },
  unknownPool: {
    ENG: "No classic web service pool match to '{0}'",
    FRA: "Aucun pool de services web classiques ne correspond à '{0}'",
    POR: "Nenhum pool de serviços web clássicos corresponde a '{0}'",
  },
  notAllowed: {
    ENG: "{0}: operation not allowed for web service {1}",
    FRA: "{0} : opération non autorisée pour le service web {1}",
    POR: "{0}: operação não autorizada para o serviço web {1}",
  },
  invalidValue: { ENG: "{0}: Incorrect value", FRA: "{0} : Valeur incorrecte", POR: "{0}: Valor incorreto" },
  mandatory: { ENG: "{0}: Mandatory field", FRA: "{0} : Zone obligatoire", POR: "{0}: Campo obrigatório" },
  /** The title of a record of AUTILIS, for a setup saved for a user X3 does not know. */
  userTitle: { ENG: "User", FRA: "Utilisateur", POR: "Utilizador" },
  keyChange: {
    ENG: "{0}: Modification not allowed",
    FRA: "{0} : Modification interdite",
    POR: "{0}: Modificação não autorizada",
  },
} satisfies Record<string, Texts>;

export type MessageId = keyof typeof TEXTS;

export function text(id: MessageId, language: Language, ...args: string[]): string {
  return args.reduce((t, arg, i) => t.split(`{${i}}`).join(arg), TEXTS[id][language]);
}

/** Local menu 1's labels, as MENULAB shows them. */
export const YES_NO_LABELS: Readonly<Record<Language, { readonly no: string; readonly yes: string }>> = {
  ENG: { no: "No", yes: "Yes" },
  FRA: { no: "Non", yes: "Oui" },
  POR: { no: "Não", yes: "Sim" },
};

/**
 * Syracuse's own messages about the input structure (LM, verbatim): English whatever the language,
 * since they come from the web-service layer, not the X3 session. The unknown-group one is [I] in
 * the same style.
 */
export const STRUCTURE_MESSAGES = {
  unknownField: (name: string) => `Cannot add field [${name}] under root node. Field [${name}] not found into X3 description.`,
  groupWithoutId: () => "No attribute ID found into GRP tag.",
  unknownGroup: (id: string) => `Group [${id}] not found into X3 description.`,
} as const;
