/**
 * The object payload inside resultXml (`<RESULT>`) and objectXml (`<PARAM>`), X3-SOAP.md §5:
 * GRP/FLD groups (field name in NAME, or NAM), LST/ITM dimensioned fields, TAB/LIN grids, and the
 * LIN rows a query puts directly under RESULT. The JSON form (adxwss.optreturn=JSON) is read too, in
 * case a site's pool forces it. Labels (MENULAB, `_LBL`) are ignored: only values count.
 */
import { X3Error } from "../errors";
import { attribute, children, escapeXml, isNode, parseXml, textOf, type XmlLimits, type XmlNode, type XmlValue } from "./xml";

export interface X3FieldValue {
  /** The group (GRP ID) it came in; null for query rows and JSON rows. */
  readonly group: string | null;
  readonly value: string;
  /** TYPE as X3 wrote it (Char, Integer…), to send it back the same way. */
  readonly type: string | null;
}

export type X3Row = ReadonlyMap<string, string>;

export interface X3ObjectData {
  /** Single fields by name (the first occurrence when a name repeats in two groups). */
  readonly fields: ReadonlyMap<string, X3FieldValue>;
  /** Dimensioned fields (LST) by name. */
  readonly lists: ReadonlyMap<string, readonly string[]>;
  /** Grids (TAB) by ID, each a list of rows. */
  readonly tables: ReadonlyMap<string, readonly X3Row[]>;
  /** A query's rows (LIN directly under RESULT). */
  readonly rows: readonly X3Row[];
}

function fieldName(node: XmlValue): string | undefined {
  return attribute(node, "NAME") ?? attribute(node, "NAM");
}

function rowOf(lin: XmlValue): Map<string, string> {
  const row = new Map<string, string>();
  if (!isNode(lin)) return row;
  for (const fld of children(lin, "FLD")) {
    const name = fieldName(fld);
    if (name !== undefined && !row.has(name)) row.set(name, textOf(fld) ?? "");
  }
  return row;
}

function fromXml(root: XmlNode): X3ObjectData {
  const fields = new Map<string, X3FieldValue>();
  const lists = new Map<string, string[]>();
  const tables = new Map<string, X3Row[]>();
  for (const grp of children(root, "GRP")) {
    if (!isNode(grp)) continue;
    const group = attribute(grp, "ID") ?? attribute(grp, "NAM") ?? null;
    for (const fld of children(grp, "FLD")) {
      const name = fieldName(fld);
      if (name !== undefined && !fields.has(name)) fields.set(name, { group, value: textOf(fld) ?? "", type: attribute(fld, "TYPE") ?? null });
    }
    for (const lst of children(grp, "LST")) {
      const name = fieldName(lst);
      if (name !== undefined && isNode(lst)) lists.set(name, children(lst, "ITM").map((i) => textOf(i) ?? ""));
    }
  }
  for (const tab of children(root, "TAB")) {
    const id = attribute(tab, "ID") ?? attribute(tab, "NAM");
    if (id !== undefined && isNode(tab)) tables.set(id, children(tab, "LIN").map(rowOf));
  }
  return { fields, lists, tables, rows: children(root, "LIN").map(rowOf) };
}

const scalar = (v: unknown): v is string | number | boolean => typeof v === "string" || typeof v === "number" || typeof v === "boolean";

function jsonRow(value: unknown): Map<string, string> {
  const row = new Map<string, string>();
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) if (scalar(v) && !k.endsWith("_LBL")) row.set(k, String(v));
  }
  return row;
}

function fromJson(parsed: unknown): X3ObjectData {
  const fields = new Map<string, X3FieldValue>();
  const lists = new Map<string, string[]>();
  const tables = new Map<string, X3Row[]>();
  if (Array.isArray(parsed)) return { fields, lists, tables, rows: parsed.map(jsonRow) };
  if (typeof parsed !== "object" || parsed === null) return { fields, lists, tables, rows: [] };
  for (const [group, content] of Object.entries(parsed)) {
    if (Array.isArray(content)) {
      tables.set(group, content.map(jsonRow));
      continue;
    }
    if (typeof content !== "object" || content === null) continue;
    for (const [name, value] of Object.entries(content)) {
      if (name.endsWith("_LBL")) continue;
      if (scalar(value) && !fields.has(name)) fields.set(name, { group, value: String(value), type: null });
      else if (Array.isArray(value) && value.every(scalar)) lists.set(name, value.map(String));
    }
  }
  return { fields, lists, tables, rows: [] };
}

/** resultXml → the object's data. An empty result is an object without fields, not an error. */
export function parseObjectData(resultXml: string | null, operation: string, limits: XmlLimits): X3ObjectData {
  const text = (resultXml ?? "").trim();
  if (text === "") return { fields: new Map(), lists: new Map(), tables: new Map(), rows: [] };
  if (text.startsWith("{") || text.startsWith("[")) {
    if (text.length > limits.maxLength) throw new X3Error("protocol", "resultXml is too long", { operation });
    try {
      return fromJson(JSON.parse(text) as unknown);
    } catch {
      throw new X3Error("protocol", "resultXml is neither XML nor JSON", { operation });
    }
  }
  // Values keep their spaces: X3 pads nothing, and a Char value is what X3 holds.
  const doc = parseXml(text, "resultXml", operation, limits, false);
  const root = doc.RESULT ?? doc.PARAM;
  if (!isNode(root)) {
    // <RESULT/>, or an empty <RESULT> X3 beautified onto two lines, parses as blank text.
    if (typeof root === "string" && root.trim() === "") return { fields: new Map(), lists: new Map(), tables: new Map(), rows: [] };
    throw new X3Error("protocol", "resultXml has no RESULT element", { operation });
  }
  return fromXml(root);
}

export interface ParamField {
  readonly group: string;
  readonly name: string;
  readonly value: string;
  readonly type?: string | null;
}

/** objectXml for save/modify: one GRP per group, in first-seen order, fields as given. */
export function buildParam(fields: readonly ParamField[]): string {
  const groups = new Map<string, ParamField[]>();
  for (const f of fields) groups.set(f.group, [...(groups.get(f.group) ?? []), f]);
  const body = [...groups]
    .map(([id, flds]) => {
      const inner = flds
        .map((f) => `<FLD NAME="${escapeXml(f.name)}"${f.type ? ` TYPE="${escapeXml(f.type)}"` : ""}>${escapeXml(f.value)}</FLD>`)
        .join("");
      return `<GRP ID="${escapeXml(id)}">${inner}</GRP>`;
    })
    .join("");
  return `<PARAM>${body}</PARAM>`;
}
