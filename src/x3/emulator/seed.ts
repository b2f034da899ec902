/**
 * The emulator's demo folder SEED: four users, their CRM parameters, folder switches on, and a few
 * pending X3 changes for JSMITH so an impact preview has something to show.
 */
import { SYNCPAR_CODES, type SyncparCode } from "../../core/flags";
import { encodeYesNo } from "../../core/x3YesNo";
import type { X3Table } from "../config";
import type { X3Value } from "./tables";

export const SEED_ENDPOINT = "SEED";

/** Stored form of a yes/no field. */
function stored(value: boolean): number {
  return encodeYesNo(value, "localMenu") as number;
}

function syncparFlags(yes: (code: SyncparCode) => boolean): Record<string, X3Value> {
  return Object.fromEntries(SYNCPAR_CODES.map((c) => [c, stored(yes(c))]));
}

export type SeedRows = Record<X3Table, Record<string, X3Value>[]>;

export function seedRows(): SeedRows {
  const user = (USR: string, INTUSR: string, ADDEML: string, LAN: string, PRFFCT: string) => ({
    USR,
    INTUSR,
    ADDEML,
    LAN,
    PRFFCT,
    ENAFLG: stored(true),
  });
  const param = (CODUSR: string, PARAM: string, VALEUR: string) => ({ CODUSR, PARAM, VALEUR });
  const folder = (PARAM: string) => ({ CPY: "", FCY: "", PARAM, VALEUR: String(stored(true)) });
  const pending = (SYDTYP: string, SYDATTTYP: string, SYDKEY: string, SYDUSR = "JSMITH") => ({
    SYDUSR,
    SYDTYP,
    SYDATTTYP,
    SYDKEY,
  });
  return {
    AUTILIS: [
      user("JSMITH", "John Smith", "jsmith@contoso.com", "ENG", "SALES"),
      user("LDUPONT", "Léa Dupont", "ldupont@contoso.com", "FRA", "SALES"),
      user("MCLARK", "Mary Clark", "mclark@contoso.com", "ENG", "SALES"),
      user("ADMIN", "X3 Administrator", "admin@contoso.com", "ENG", "ADMIN"),
    ],
    ADOVALAUS: [
      param("JSMITH", "AUSCRMA", "1"), // Sales engineer
      param("JSMITH", "AUSCRMF", "REP01"),
      param("LDUPONT", "AUSCRMA", "1"),
      param("LDUPONT", "AUSCRMF", ""), // a sales position without its rep code: the engine will not sync her
      param("MCLARK", "AUSCRMA", "5"), // Other
      param("MCLARK", "AUSCRMF", ""),
    ],
    ADOVAL: ["CRMSYNC", "CRMSYNCCOR", "CRMSYNCTSK", "CRMSYNCCLL", "CRMSYNCBAP"].map(folder),
    // JSMITH has no row: the add-in creates it on the first save.
    SYNCPAR: [
      // X3 → Outlook on, Outlook → X3 off: a cautious setup.
      { SYPUSR: "LDUPONT", OTKUSR: "ldupont", ...syncparFlags((c) => c.includes("OTK")) },
      // Everything on, CLLADXCRE included, as an old tool might have left it.
      { SYPUSR: "MCLARK", OTKUSR: "mclark", ...syncparFlags(() => true) },
    ],
    SYNCDATA: [
      pending("COR", "C", "COR000123"),
      pending("COR", "M", "COR000087"),
      pending("TSK", "M", "TSK000045"),
      pending("TSK", "R", "TSK000050"),
      pending("CLL", "A", "CLL000012"),
      pending("BAP", "C", "BAP000101"),
      pending("BAP", "P", "BAP000099"),
      pending("TSK", "C", "TSK000061", "LDUPONT"),
    ],
  };
}
