/**
 * What the emulated GESAWE publishes: `YSYP` (object SYP over SYNCPAR) and `YAUS` (object AUS over
 * AUTILIS), their groups, key, left list and allowed operations. The one place that says which group
 * holds which field (X3-SOAP.md §8 [I]): a client must learn these from `read` or `getDescription`,
 * and tests can rename them through the emulator's options.
 *
 * Default SYP layout, by screen block: SYP0_1 the key; SYP1_1 OTKUSR, contacts and tasks; SYP1_2 calls
 * and appointments. CLLADXCRE is not on the GESSYP screen, so only "Invisible fields" publishes it.
 * Default AUS layout, after Sage's WSAUS: AUS0_1 USR, INTUSR, ENAFLG; AUS1_1 PRFFCT, ADDEML. LAN is
 * not in WSAUS's blocks, so it is not published unless a layout asks for it.
 */
import { NOT_APPLICABLE_CODES, SYNCPAR_FLAGS } from "../../../core/flags";
import type { X3Table } from "../../config";
import { TABLES } from "../tables";
import type { Language } from "./messages";

export const SOAP_OPERATIONS = [
  "run",
  "save",
  "delete",
  "read",
  "query",
  "getDescription",
  "modify",
  "actionObject",
  "actionObjectKeys",
  "getDataXmlSchema",
  "insertLines",
  "deleteLines",
] as const;
export type SoapOperation = (typeof SOAP_OPERATIONS)[number];

export function isSoapOperation(name: string): name is SoapOperation {
  return (SOAP_OPERATIONS as readonly string[]).includes(name);
}

export interface GroupLayout {
  readonly id: string;
  readonly fields: readonly string[];
}

export interface PublishedField {
  readonly name: string;
  readonly type: "Char" | "Integer";
  /** Local menu number (1: No/Yes) for menu fields. */
  readonly menuLocal?: number;
  readonly length: number;
}

export interface Publication {
  readonly publicName: string;
  readonly object: string;
  readonly table: X3Table;
  readonly key: string;
  readonly title: Readonly<Record<Language, string>>;
  readonly groups: readonly { readonly id: string; readonly fields: readonly PublishedField[] }[];
  /** `query`'s columns: the object's left list, not the whole record. */
  readonly leftList: readonly PublishedField[];
  readonly operations: ReadonlySet<SoapOperation>;
  /** The table's rows must belong to an existing X3 user (SYNCPAR.SYPUSR). */
  readonly keyIsUser: boolean;
}

export interface PublicationOptions {
  readonly sypName?: string;
  readonly ausName?: string;
  readonly sypGroups?: readonly GroupLayout[];
  readonly ausGroups?: readonly GroupLayout[];
  /** GESAWE's "Invisible fields" flag: publish fields the screen hides (CLLADXCRE). Off by default. */
  readonly invisibleFields?: boolean;
}

const flagsOf = (...prefixes: string[]): string[] =>
  SYNCPAR_FLAGS.filter((f) => prefixes.some((p) => f.code.startsWith(p))).map((f) => f.code);

export const DEFAULT_SYP_GROUPS: readonly GroupLayout[] = [
  { id: "SYP0_1", fields: ["SYPUSR"] },
  { id: "SYP1_1", fields: ["OTKUSR", ...flagsOf("COR", "TSK")] },
  { id: "SYP1_2", fields: flagsOf("CLL", "BAP") },
];

export const DEFAULT_AUS_GROUPS: readonly GroupLayout[] = [
  { id: "AUS0_1", fields: ["USR", "INTUSR", "ENAFLG"] },
  { id: "AUS1_1", fields: ["PRFFCT", "ADDEML"] },
];

/** Fields the screen does not show: published only with "Invisible fields". */
const INVISIBLE: ReadonlySet<string> = new Set(NOT_APPLICABLE_CODES);

/** Lengths as getDescription shows them (the dictionary's, roughly); 30 for anything else. */
const LENGTHS: Readonly<Record<string, number>> = { SYPUSR: 5, USR: 5, OTKUSR: 80, ADDEML: 80, INTUSR: 30, PRFFCT: 10, LAN: 3 };

const READ_ONLY_OPERATIONS: ReadonlySet<SoapOperation> = new Set(["read", "query", "getDescription"]);
const OBJECT_OPERATIONS: ReadonlySet<SoapOperation> = new Set(["read", "query", "getDescription", "save", "modify"]);

function fieldOf(table: X3Table, name: string): PublishedField {
  const kind = TABLES[table].columns[name];
  if (!kind) throw new Error(`X3 emulator: ${table} has no column ${name}`);
  return kind === "yesNo"
    ? { name, type: "Integer", menuLocal: 1, length: 1 }
    : { name, type: "Char", length: LENGTHS[name] ?? 30 };
}

function publish(
  table: X3Table,
  layout: readonly GroupLayout[],
  invisibleFields: boolean,
): { id: string; fields: PublishedField[] }[] {
  const schema = TABLES[table];
  const seen = new Set<string>();
  const groups = layout.map((g) => {
    if (!g.id) throw new Error(`X3 emulator: a ${table} group has no ID`);
    const fields = g.fields
      .filter((name) => invisibleFields || !INVISIBLE.has(name))
      .map((name) => {
        if (seen.has(name)) throw new Error(`X3 emulator: ${table}.${name} is published twice`);
        seen.add(name);
        return fieldOf(table, name);
      });
    return { id: g.id, fields };
  });
  if (new Set(groups.map((g) => g.id)).size !== groups.length) throw new Error(`X3 emulator: ${table} group IDs repeat`);
  for (const key of schema.keyFields) {
    if (!seen.has(key)) throw new Error(`X3 emulator: ${table}'s key ${key} is not published`);
  }
  return groups;
}

export function publications(options: PublicationOptions = {}): ReadonlyMap<string, Publication> {
  const invisible = options.invisibleFields ?? false;
  const syp: Publication = {
    publicName: options.sypName ?? "YSYP",
    object: "SYP",
    table: "SYNCPAR",
    key: "SYPUSR",
    title: { ENG: "Synchronization setup", FRA: "Paramétrage synchronisation", POR: "Parametrização sincronização" },
    groups: publish("SYNCPAR", options.sypGroups ?? DEFAULT_SYP_GROUPS, invisible),
    leftList: ["SYPUSR", "OTKUSR"].map((f) => fieldOf("SYNCPAR", f)),
    operations: OBJECT_OPERATIONS,
    keyIsUser: true,
  };
  const aus: Publication = {
    publicName: options.ausName ?? "YAUS",
    object: "AUS",
    table: "AUTILIS",
    key: "USR",
    title: { ENG: "Users", FRA: "Utilisateurs", POR: "Utilizadores" },
    groups: publish("AUTILIS", options.ausGroups ?? DEFAULT_AUS_GROUPS, invisible),
    // The left list has no e-mail: a client reads each user for ADDEML (issue 19, item 3).
    leftList: ["USR", "INTUSR"].map((f) => fieldOf("AUTILIS", f)),
    // The emulator's AUTILIS is read-only, as on the api1 side.
    operations: READ_ONLY_OPERATIONS,
    keyIsUser: false,
  };
  return new Map([syp, aus].map((p) => [p.publicName, p]));
}

export function publishedField(publication: Publication, name: string): PublishedField | undefined {
  for (const g of publication.groups) {
    const found = g.fields.find((f) => f.name === name);
    if (found) return found;
  }
  return undefined;
}
