/**
 * Reads a `save`/`modify` payload against a publication: each field must be in the group that
 * publishes it, so a client that guesses group IDs is caught. The payload is XML
 * (`<PARAM><GRP ID><FLD NAME>…`, `NAM` taken for `NAME` as LM reports) or, when it starts with `{`,
 * JSON (`{"GROUP": {"FIELD": "value"}}`, `_LBL` labels ignored): Syracuse seems to detect the input
 * format (X3-SOAP.md §3 [I]). The ADXTEC group a client echoes back is ignored. Errors are Syracuse's
 * structure messages (§5.1).
 */
import { isPlainObject } from "../../api1";
import { STRUCTURE_MESSAGES } from "./messages";
import type { Publication } from "./publications";
import { parseXml, XmlSyntaxError, type XmlElement } from "./xml";

export type ParamResult =
  | { readonly ok: true; readonly values: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly errors: readonly string[] };

/** What a payload says, whatever its format: fields under the root, and groups of fields. */
type Entry =
  | { readonly kind: "field"; readonly name: string }
  | {
      readonly kind: "group";
      readonly id: string | undefined;
      /** A TAB (XML) or an array (JSON): a grid block, which SYP and AUS do not publish. */
      readonly grid: boolean;
      /** [name, value]; a value of undefined is a field that is not a plain value. */
      readonly fields: readonly (readonly [string, string | undefined])[];
    };

function fromXml(root: XmlElement): Entry[] {
  const name = (fld: XmlElement): string => fld.attributes.NAME ?? fld.attributes.NAM ?? "";
  const entries: Entry[] = [];
  for (const node of root.children) {
    if (node.name === "FLD" || node.name === "LST") entries.push({ kind: "field", name: name(node) });
    // Anything else is not mapped, and Syracuse ignores it [I].
    if (node.name !== "GRP" && node.name !== "TAB") continue;
    const fields = node.children.map((c) => [name(c), c.name === "FLD" ? c.text : undefined] as const);
    entries.push({ kind: "group", id: node.attributes.ID, grid: node.name === "TAB", fields });
  }
  return entries;
}

function scalar(value: unknown): string | undefined {
  if (value === null) return "";
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
}

function fromJson(json: Readonly<Record<string, unknown>>): Entry[] {
  return Object.entries(json).map(([key, value]): Entry => {
    if (Array.isArray(value)) return { kind: "group", id: key, grid: true, fields: [] };
    if (!isPlainObject(value)) return { kind: "field", name: key };
    const fields = Object.entries(value)
      .filter(([name]) => !name.endsWith("_LBL"))
      .map(([name, v]) => [name, scalar(v)] as const);
    return { kind: "group", id: key, grid: false, fields };
  });
}

function entriesOf(payload: string): Entry[] | string {
  if (payload.trimStart().startsWith("{")) {
    try {
      const json: unknown = JSON.parse(payload);
      return isPlainObject(json) ? fromJson(json) : "Malformed JSON: an object is expected";
    } catch (error) {
      return `Malformed JSON: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  try {
    return fromXml(parseXml(payload));
  } catch (error) {
    if (error instanceof XmlSyntaxError) return error.message;
    throw error;
  }
}

export function readParam(payload: string, publication: Publication): ParamResult {
  const entries = entriesOf(payload);
  if (typeof entries === "string") return { ok: false, errors: [entries] };
  const values = new Map<string, string>();
  const errors: string[] = [];
  for (const entry of entries) {
    if (entry.kind === "field") {
      errors.push(STRUCTURE_MESSAGES.unknownField(entry.name));
      continue;
    }
    if (!entry.id) {
      errors.push(STRUCTURE_MESSAGES.groupWithoutId());
      continue;
    }
    if (entry.id === "ADXTEC") continue;
    const group = entry.grid ? undefined : publication.groups.find((g) => g.id === entry.id);
    if (!group) {
      errors.push(STRUCTURE_MESSAGES.unknownGroup(entry.id));
      continue;
    }
    for (const [name, value] of entry.fields) {
      if (value === undefined || !group.fields.some((f) => f.name === name)) errors.push(STRUCTURE_MESSAGES.unknownField(name));
      else values.set(name, value);
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values };
}
