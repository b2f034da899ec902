/**
 * The `resultXml` string: a record (`<RESULT><GRP ID><FLD …>`), a left list (`<RESULT><LIN NUM>`) or a
 * description (`<ADXDESC>`), as XML (prolog, attributes in alphabetical order, local menus with
 * MENULAB in the call's language) or, with `adxwss.optreturn=JSON`, as JSON (strings, `_LBL` labels)
 * (X3-SOAP.md §5, §9.2).
 */
import type { Language } from "./messages";
import { YES_NO_LABELS } from "./messages";
import type { Publication, PublishedField } from "./publications";
import { escapeXml } from "./xml";

export type ResultFormat = "XML" | "JSON";

const PROLOG = '<?xml version="1.0" encoding="UTF-8"?>';

/** A record's values as strings, plus its ADXTEC stamp. */
export interface RecordView {
  readonly values: Readonly<Record<string, string>>;
  readonly modStamp: string;
  readonly modUser: string;
}

type Attributes = Readonly<Record<string, string | number | undefined>>;

/** Attributes sorted as X3 writes them. */
function attributeText(attributes: Attributes): string {
  return Object.keys(attributes)
    .filter((k) => attributes[k] !== undefined)
    .sort()
    .map((k) => ` ${k}="${escapeXml(String(attributes[k]))}"`)
    .join("");
}

/** One element; empty content self-closes. */
function element(name: string, attributes: Attributes, content = ""): string {
  const attrs = attributeText(attributes);
  return content === "" ? `<${name}${attrs}/>` : `<${name}${attrs}>${content}</${name}>`;
}

function menuLabel(field: PublishedField, value: string, language: Language): string | undefined {
  if (field.menuLocal !== 1) return undefined;
  const labels = YES_NO_LABELS[language];
  return value === "2" ? labels.yes : value === "1" ? labels.no : "";
}

function fld(field: PublishedField, value: string, language: Language): string {
  return element(
    "FLD",
    { MENULAB: menuLabel(field, value, language), MENULOCAL: field.menuLocal, NAME: field.name, TYPE: field.type },
    escapeXml(value),
  );
}

const ADXTEC_FIELDS: readonly PublishedField[] = [
  { name: "WW_MODSTAMP", type: "Char", length: 14 },
  { name: "WW_MODUSER", type: "Char", length: 5 },
];

function technical(record: RecordView): Record<string, string> {
  return { WW_MODSTAMP: record.modStamp, WW_MODUSER: record.modUser };
}

export function renderRecord(publication: Publication, record: RecordView, language: Language, format: ResultFormat): string {
  const groups = [...publication.groups, { id: "ADXTEC", fields: ADXTEC_FIELDS }];
  const valueOf = (name: string): string => record.values[name] ?? technical(record)[name] ?? "";
  if (format === "JSON") {
    const json: Record<string, Record<string, string>> = {};
    for (const g of groups) {
      const out: Record<string, string> = {};
      for (const f of g.fields) {
        out[f.name] = valueOf(f.name);
        const label = menuLabel(f, valueOf(f.name), language);
        if (label !== undefined) out[`${f.name}_LBL`] = label;
      }
      json[g.id] = out;
    }
    return JSON.stringify(json);
  }
  const lines = [PROLOG, "<RESULT>"];
  for (const g of groups) {
    lines.push(`  <GRP ID="${escapeXml(g.id)}">`);
    for (const f of g.fields) lines.push(`    ${fld(f, valueOf(f.name), language)}`);
    lines.push("  </GRP>");
  }
  lines.push("</RESULT>");
  return lines.join("\n");
}

/** The left list: one LIN per row, its columns only. */
export function renderList(
  fields: readonly PublishedField[],
  rows: readonly Readonly<Record<string, string>>[],
  language: Language,
  format: ResultFormat,
): string {
  if (format === "JSON") {
    return JSON.stringify(rows.map((r) => Object.fromEntries(fields.map((f) => [f.name, r[f.name] ?? ""]))));
  }
  const lines = [PROLOG, "<RESULT>"];
  rows.forEach((row, i) => {
    lines.push(`  <LIN NUM="${i + 1}">`);
    for (const f of fields) lines.push(`    ${fld(f, row[f.name] ?? "", language)}`);
    lines.push("  </LIN>");
  });
  lines.push("</RESULT>");
  return lines.join("\n");
}

/** getDescription: the key (ADXKEY, children with NAM), then each group and its fields with their types [S/I]. */
export function renderDescription(publication: Publication): string {
  const describe = (f: PublishedField): string =>
    element("FLD", { LEN: f.length, MENULOCAL: f.menuLocal, NAM: f.name, TYP: f.type });
  const keyField = publication.groups.flatMap((g) => g.fields).find((f) => f.name === publication.key);
  const lines = [PROLOG, `<ADXDESC${attributeText({ NAM: publication.publicName, OBJ: publication.object, TYP: "Object" })}>`];
  lines.push(`  <ADXKEY>${keyField ? describe(keyField) : ""}</ADXKEY>`);
  for (const g of [...publication.groups, { id: "ADXTEC", fields: ADXTEC_FIELDS }]) {
    lines.push(`  <GRP${attributeText({ DIM: 1, NAM: g.id })}>`);
    for (const f of g.fields) lines.push(`    ${describe(f)}`);
    lines.push("  </GRP>");
  }
  lines.push("</ADXDESC>");
  return lines.join("\n");
}
