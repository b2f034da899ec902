/** The French sentences (see ./sentences.ts); loaded with the rest of French, only when needed. */
import type { sentencesEn } from "./sentences";

export const sentencesFr: typeof sentencesEn = {
  entities: {
    contact: { subject: "Les contacts", object: "vos contacts", partitive: "de contacts", one: "un contact", pronoun: "le" },
    task: { subject: "Les tâches", object: "vos tâches", partitive: "de tâches", one: "une tâche", pronoun: "la" },
    call: { subject: "Les appels", object: "vos appels", partitive: "d'appels", one: "un appel", pronoun: "le" },
    appointment: {
      subject: "Les rendez-vous",
      object: "vos rendez-vous",
      partitive: "de rendez-vous",
      one: "un rendez-vous",
      pronoun: "le",
    },
  },
  // French phrases the sentences with nouns (« les créations … sont reportées »): all three nouns are
  // feminine, so the participles agree whatever the combination.
  actions: {
    create: {
      verb: "créez",
      participle: "créés",
      result: "créés",
      resultVerb: "créer",
      gerund: "en créant",
      noun: "créations",
      nounOne: "création",
    },
    update: {
      verb: "modifiez",
      participle: "modifiés",
      result: "mis à jour",
      resultVerb: "mettre à jour",
      gerund: "en modifiant",
      noun: "modifications",
      nounOne: "modification",
    },
    delete: {
      verb: "supprimez",
      participle: "supprimés",
      result: "supprimés",
      resultVerb: "supprimer",
      gerund: "en supprimant",
      noun: "suppressions",
      nounOne: "suppression",
    },
  },
  toX3: {
    all: "Les {{nounAnd}} {{partitive}} faites dans Outlook sont reportées dans X3.",
    some: "Les {{nounAnd}} {{partitive}} faites dans Outlook sont reportées dans X3 ; les {{offNounAnd}} ne le sont pas.",
    none: "Aucune {{allNounOneOr}} {{partitive}} faite dans Outlook n'est reportée dans X3.",
  },
  toOutlook: {
    all: "Les {{nounAnd}} {{partitive}} faites dans X3 sont reportées dans Outlook.",
    some: "Les {{nounAnd}} {{partitive}} faites dans X3 sont reportées dans Outlook ; les {{offNounAnd}} ne le sont pas.",
    none: "Aucune {{allNounOneOr}} {{partitive}} faite dans X3 n'est reportée dans Outlook.",
  },
  callsNote:
    "Les appels X3 apparaissent dans la liste des tâches d'Outlook ; un appel ne peut pas être créé depuis Outlook.",
  deleteConsequence: {
    x3: "Supprimer {{one}} dans Outlook {{pronoun}} supprimera dans X3.",
    outlook: "Supprimer {{one}} dans X3 {{pronoun}} supprimera dans Outlook.",
  },
  bothWaysDeletion:
    "Les suppressions se font dans les deux sens pour {{object}} : supprimer {{one}} dans Outlook ou dans X3 {{pronoun}} supprime aussi de l'autre côté.",
  help: {
    COROTKCRE: "Quand cet indicateur est activé, la création des contacts Outlook est autorisée.",
    CORADXCRE:
      "Un contact Outlook est une donnée temporaire qui sert à conserver dans Sage X3 les informations provenant " +
      "d'un contact Outlook. En effet, un contact Outlook n'est pas nécessairement un contact connu dans la base : " +
      "il peut être transformé en contact par la suite, ou ne jamais l'être. Il peut aussi servir dans le cadre de " +
      "la création d'activités CRM. Quand cet indicateur est activé, la création des contacts Outlook dans Sage X3 est " +
      "autorisée.",
    COROTKUPD: "Quand cet indicateur est activé, la mise à jour des contacts Outlook est autorisée.",
    CORADXUPD: "Quand cet indicateur est activé, la mise à jour des contacts Outlook dans Sage X3 Enterprise est autorisée.",
    COROTKDLT: "Quand cet indicateur est activé, la suppression des contacts Outlook est autorisée.",
    CORADXDLT: "Quand cet indicateur est activé, la suppression des contacts Outlook dans Sage X3 est autorisée.",
    TSKOTKCRE: "Quand cet indicateur est activé, la création de tâches dans Outlook est autorisée.",
    TSKADXCRE: "Quand cet indicateur est activé, la création de tâches dans Sage X3 est autorisée.",
    TSKOTKUPD: "Quand cet indicateur est activé, la mise à jour des tâches dans Outlook est autorisée.",
    TSKADXUPD: "Quand cet indicateur est activé, la mise à jour des tâches dans Sage X3 est autorisée.",
    TSKOTKDLT: "Quand cet indicateur est activé, la suppression des tâches dans Outlook est autorisée.",
    TSKADXDLT: "Quand cet indicateur est activé, la suppression des tâches dans Sage X3 est autorisée.",
    CLLOTKCRE:
      "Quand cet indicateur est activé, la création d'appels dans le plan de travail des tâches d'Outlook est autorisée. " +
      "À l'issue de la synchronisation, l'appel X3 d'origine est lui aussi créé dans le plan de travail des tâches " +
      "d'Outlook.",
    CLLADXCRE:
      "Absent de l'écran GESSYP : Outlook n'a pas d'élément « appel », un appel ne peut donc jamais être créé " +
      "depuis Outlook. Cet indicateur reste toujours désactivé.",
    CLLOTKUPD:
      "Quand cet indicateur est activé, la mise à jour des appels dans le plan de travail des tâches d'Outlook est " +
      "autorisée. À l'issue de la synchronisation, l'appel X3 d'origine est lui aussi mis à jour dans le plan de " +
      "travail des tâches d'Outlook.",
    CLLADXUPD:
      "Quand cet indicateur est activé, la mise à jour des appels dans Sage X3 est autorisée. L'appel X3 est ainsi mis " +
      "à jour dans le plan de travail des tâches d'Outlook et, à l'issue de la synchronisation, il est également " +
      "modifié dans Sage X3.",
    CLLOTKDLT:
      "Quand cet indicateur est activé, la suppression des appels du plan de travail des tâches d'Outlook est " +
      "autorisée. À l'issue de la synchronisation, l'appel X3 d'origine est lui aussi supprimé du plan de travail " +
      "des tâches d'Outlook.",
    CLLADXDLT:
      "Quand cet indicateur est activé, la suppression des appels dans Sage X3 est autorisée. L'appel X3 est ainsi " +
      "supprimé du plan de travail des tâches d'Outlook et, à l'issue de la synchronisation, il est également " +
      "supprimé de Sage X3.",
    BAPOTKCRE: "Quand cet indicateur est activé, la création de rendez-vous dans Outlook est autorisée.",
    BAPADXCRE: "Quand cet indicateur est activé, la création de rendez-vous dans Sage X3 est autorisée.",
    BAPOTKUPD: "Quand cet indicateur est activé, la mise à jour des rendez-vous dans Outlook est autorisée.",
    BAPADXUPD: "Quand cet indicateur est activé, la mise à jour des rendez-vous dans Sage X3 est autorisée.",
    BAPOTKDLT: "Quand cet indicateur est activé, la suppression des rendez-vous dans Outlook est autorisée.",
    BAPADXDLT: "Quand cet indicateur est activé, la suppression des rendez-vous dans Sage X3 est autorisée.",
  },
  callHelpNote: "Dans Outlook, les appels X3 apparaissent dans la liste des tâches.",
};
