/**
 * The emulated X3 tables: their columns as X3 stores them (yes/no as local menu 1/2), their keys,
 * and which fields a client may send through api1. Only SYNCPAR is published for writing.
 */
import { SYNCPAR_CODES } from "../../core/flags";
import { encodeYesNo } from "../../core/x3YesNo";
import type { X3Table } from "../config";

export type X3Value = string | number;
export type ColumnKind = "text" | "yesNo";

export interface TableSchema {
  readonly name: X3Table;
  readonly keyFields: readonly string[];
  readonly columns: Readonly<Record<string, ColumnKind>>;
  /** Fields a client may send in $create / $edit; X3 fills the others (audit columns, AUUID). */
  readonly editable: readonly string[];
  /** The `$template` of a new record, as stored. */
  readonly defaults: Readonly<Record<string, X3Value>>;
}

/** X3 keeps these on every table and sets them itself. */
export const AUDIT_COLUMNS = ["AUUID", "CREDAT", "CREDATTIM", "CREUSR", "UPDDAT", "UPDDATTIM", "UPDUSR"] as const;

const STORED_NO = encodeYesNo(false, "localMenu") as number;

function columns(text: readonly string[], yesNo: readonly string[] = []): Record<string, ColumnKind> {
  return {
    ...Object.fromEntries([...text, ...AUDIT_COLUMNS].map((c) => [c, "text" as const])),
    ...Object.fromEntries(yesNo.map((c) => [c, "yesNo" as const])),
  };
}

export const TABLES: Readonly<Record<X3Table, TableSchema>> = {
  SYNCPAR: {
    name: "SYNCPAR",
    keyFields: ["SYPUSR"],
    columns: columns(["SYPUSR", "OTKUSR"], SYNCPAR_CODES),
    editable: ["SYPUSR", "OTKUSR", ...SYNCPAR_CODES],
    defaults: { SYPUSR: "", OTKUSR: "", ...Object.fromEntries(SYNCPAR_CODES.map((c) => [c, STORED_NO])) },
  },
  AUTILIS: {
    name: "AUTILIS",
    keyFields: ["USR"],
    columns: columns(["USR", "INTUSR", "ADDEML", "LAN", "PRFFCT"], ["ENAFLG"]),
    editable: [],
    defaults: { USR: "", INTUSR: "", ADDEML: "", LAN: "ENG", PRFFCT: "", ENAFLG: encodeYesNo(true, "localMenu") as number },
  },
  ADOVALAUS: {
    name: "ADOVALAUS",
    keyFields: ["CODUSR", "PARAM"],
    columns: columns(["CODUSR", "PARAM", "VALEUR"]),
    editable: [],
    defaults: { CODUSR: "", PARAM: "", VALEUR: "" },
  },
  ADOVAL: {
    name: "ADOVAL",
    keyFields: ["CPY", "FCY", "PARAM"],
    columns: columns(["CPY", "FCY", "PARAM", "VALEUR"]),
    editable: [],
    defaults: { CPY: "", FCY: "", PARAM: "", VALEUR: "" },
  },
  SYNCDATA: {
    name: "SYNCDATA",
    keyFields: ["SYDUSR", "SYDTYP", "SYDKEY"],
    columns: columns(["SYDUSR", "SYDTYP", "SYDATTTYP", "SYDKEY"]),
    editable: [],
    defaults: { SYDUSR: "", SYDTYP: "", SYDATTTYP: "", SYDKEY: "" },
  },
};

export function isX3TableName(name: string): name is X3Table {
  return Object.prototype.hasOwnProperty.call(TABLES, name);
}
